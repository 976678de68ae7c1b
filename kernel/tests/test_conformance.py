"""The Jupyter kernel conformance suite (Debian's python3-jupyter-kernel-test 0.4.5).

Each sample attribute switches one protocol check on; the suite skips checks whose samples are
empty. Every check the suite offers is switched on here; `test_every_check_is_enabled` fails
if a new version of the suite brings a check without a sample.
"""
import unittest

import jupyter_kernel_test

from kernel_harness import KERNEL_NAME


class MedflowConformanceTest(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME

    language_name = 'typescript'
    file_extension = '.ts'

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("an error line")'

    completion_samples = [
        # Names of the language and of earlier cells complete from the same program.
        {'text': 'Math.ab', 'matches': {'abs'}},
        {'text': 'JSON.str', 'matches': {'stringify'}},
    ]

    complete_code_samples = ['1 + 1', 'const a = 5;', 'function f(x: number) { return x; }',
                             'for (let i = 0; i < 3; i++) {\n  console.log(i);\n}',
                             'Math.max?']
    incomplete_code_samples = ['function f(x: number) {', 'const s = `multi\n', 'const xs = [1, 2,',
                               'if (true) {\n  1;']
    invalid_code_samples = ['const = 3;', 'const a = );', '1 +* 2']

    code_generate_error = 'throw new Error("generated error")'

    code_execute_result = [
        {'code': '6 * 7', 'result': '42'},
        {'code': '"medical".toUpperCase()', 'result': "'MEDICAL'"},
        {'code': '[1, 2, 3].map(x => x * x)', 'result': '[ 1, 4, 9 ]'},
        {'code': 'new Map<string, number>([["a", 1]])', 'result': "Map(1) { 'a' => 1 }"},
    ]

    # Matches exactly one of the sources above (a glob over the whole source, like ipykernel's).
    code_history_pattern = '"medical"*'
    supported_history_operations = ('tail', 'range', 'search')

    code_display_data = [
        {'code': 'display({ scan: "chest", size: [28, 28] })', 'mime': 'text/plain'},
        {
            'code': 'display({ [Symbol.for("jupyter.mimebundle")]: () => ({ "text/html": "<i>x</i>" }) })',
            'mime': 'text/html',
        },
    ]

    code_clear_output = 'console.log("epoch 1"); clearOutput({ wait: true }); console.log("epoch 2")'

    # IPython's `name?`: the documentation goes to the pager (a `page` payload).
    code_page_something = 'Math.max?'

    code_inspect_sample = 'Math.max'

    def test_every_check_is_enabled(self):
        empty = [name for name, value in vars(jupyter_kernel_test.KernelTests).items()
                 if (name.startswith('code_') or name.endswith('_samples')
                     or name == 'supported_history_operations') and not getattr(self, name)]
        self.assertEqual(empty, [])


if __name__ == '__main__':
    unittest.main()
