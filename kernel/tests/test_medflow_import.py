"""`import * as mf from "medflow"` type-checks and runs wherever the notebook lives."""
import os
import unittest

from kernel_harness import REPO, execute, start_kernel, stop_kernel, temp_dir

ENGINE = os.path.join(REPO, 'dist', 'kernel', 'engine', 'index.js')
CELL = ('import * as mf from "medflow";\n'
        'const names: string[] = mf.datasets.list().map(d => d.name);\n'
        'names.includes("pneumoniamnist")')


@unittest.skipUnless(os.path.exists(ENGINE), 'engine not built (npx tsc -p kernel/tsconfig.json)')
class MedflowImportTest(unittest.TestCase):
    def check_in(self, cwd):
        km, kc = start_kernel(cwd=cwd)
        try:
            reply, outputs = execute(kc, CELL, timeout=120)
            self.assertEqual(reply['content']['status'], 'ok', reply['content'])
            results = [m['content']['data']['text/plain'] for m in outputs
                       if m['msg_type'] == 'execute_result']
            self.assertEqual(results, ['true'])
            # Real types, not `any`: a wrong argument is a compile error.
            reply, _ = execute(kc, 'import * as mf2 from "medflow";\nmf2.datasets.list(1, 2, 3)')
            self.assertEqual(reply['content']['ename'], 'TypeScriptError', reply['content'])
        finally:
            stop_kernel(km, kc)

    def test_notebook_outside_the_repository(self):
        self.check_in(temp_dir('medflow-elsewhere-'))

    def test_notebook_inside_the_repository(self):
        self.check_in(os.path.join(REPO, 'notebooks'))


if __name__ == '__main__':
    unittest.main()
