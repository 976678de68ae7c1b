"""Every demo notebook in notebooks/ runs top to bottom on the medflow kernel (nbclient, as
`jupyter nbconvert --execute` does): a cell that fails fails the test, with the cell and its
error in the message. The notebooks run where they live (they read ../data), on the freshly
built kernel, and some outputs every reader relies on are checked.
"""
import glob
import os
import time
import unittest

from kernel_harness import KERNEL_NAME, REPO

NOTEBOOKS = sorted(glob.glob(os.path.join(REPO, 'notebooks', '*.ipynb')))

# Text a notebook's outputs must contain (what its prose promises the reader).
EXPECTED = {
    '01-quickstart.ipynb': ['validation accuracy', 'sensitivity', 'specificity'],
    '02-preprocessing-matters.ipynb': ["change against 'raw pixels'", 'higher test accuracy:'],
    '03-custom-python-module.ipynb': ["origin: 'user'", "unknown parameter 'centre'",
                                      'width must be positive'],
    '06-your-own-data.ipynb': ['Dataset png-folder (folder): 120 images', 'file is truncated',
                               'Preview of mri-demo'],
}


def output_text(nb):
    parts = []
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            if out.output_type == 'stream':
                parts.append(out.text)
            elif out.output_type in ('execute_result', 'display_data'):
                parts.append(str(out.data.get('text/plain', '')))
    return '\n'.join(parts)


class NotebooksRunTest(unittest.TestCase):
    def test_every_notebook_is_checked(self):
        names = [os.path.basename(p) for p in NOTEBOOKS]
        self.assertGreaterEqual(len(names), 4, names)
        for name in EXPECTED:
            self.assertIn(name, names)


def make_test(path):
    def test(self):
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        nb = nbformat.read(path, as_version=4)
        self.assertEqual(nb.metadata.kernelspec.name, 'medflow')
        client = NotebookClient(nb, timeout=900, kernel_name=KERNEL_NAME,
                                resources={'metadata': {'path': os.path.dirname(path)}})
        start = time.time()
        try:
            client.execute()
        except CellExecutionError as error:
            self.fail('%s: %s' % (os.path.basename(path), error))
        print('\n%s ran in %.1f s' % (os.path.basename(path), time.time() - start))
        text = output_text(nb)
        for expected in EXPECTED.get(os.path.basename(path), []):
            self.assertIn(expected, text)
    return test


for _path in NOTEBOOKS:
    _name = 'test_' + os.path.splitext(os.path.basename(_path))[0].replace('-', '_')
    setattr(NotebooksRunTest, _name, make_test(_path))


if __name__ == '__main__':
    unittest.main()
