"""The Jupyter kernel conformance suite (Debian's python3-jupyter-kernel-test 0.4.5).

Each sample attribute switches one protocol check on; the suite skips checks whose samples are
empty. The foundation covers what is enabled here. To extend (kernel issue): fill in
`code_history_pattern` + `supported_history_operations` once history_request is real,
`code_clear_output` once a clear_output helper exists, `code_page_something` for pager payloads.
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
                             'for (let i = 0; i < 3; i++) {\n  console.log(i);\n}']
    incomplete_code_samples = ['function f(x: number) {', 'const s = `multi\n', 'const xs = [1, 2,', 'if (true) {\n  1;']
    invalid_code_samples = ['const = 3;', 'const a = );', '1 +* 2']

    code_generate_error = 'throw new Error("generated error")'

    code_execute_result = [
        {'code': '6 * 7', 'result': '42'},
        {'code': '"medical".toUpperCase()', 'result': "'MEDICAL'"},
        {'code': '[1, 2, 3].map(x => x * x)', 'result': '[ 1, 4, 9 ]'},
        {'code': 'const m = new Map<string, number>([["a", 1]]); m', 'result': "Map(1) { 'a' => 1 }"},
    ]

    code_display_data = [
        {'code': 'display({ scan: "chest", size: [28, 28] })', 'mime': 'text/plain'},
        {
            'code': 'display({ [Symbol.for("jupyter.mimebundle")]: () => ({ "text/html": "<i>x</i>" }) })',
            'mime': 'text/html',
        },
    ]

    code_inspect_sample = 'Math.max'


if __name__ == '__main__':
    unittest.main()
