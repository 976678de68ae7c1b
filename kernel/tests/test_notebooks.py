"""Every demo notebook in notebooks/ runs top to bottom on the medflow kernel (nbclient, as
`jupyter nbconvert --execute` does): a cell that fails fails the test, with the cell and its
error in the message. The notebooks run where they live (they read ../data), on the freshly
built kernel, and some outputs every reader relies on are checked.
"""
import glob
import os
import re
import shutil
import tempfile
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
    '04-layer-builder.ipynb': ['Dropout', 'refused:', 'valid: false', 'valid: true',
                               'saved to ', 'my_breast_cnn', 'trained network: my_breast_cnn',
                               'validation accuracy'],
    '05-auto-tuning.ipynb': ['study done; best trial', '#1 trial', 'applied: {', 'pipeline now trains with',
                             'retrained with the tuned settings'],
    '06-your-own-data.ipynb': ['Dataset png-folder (folder): 120 images', 'file is truncated',
                               'Preview of mri-demo'],
}


def quickstart_matches_the_published_baseline(test, text):
    """01's test metrics reach MedMNIST v2's ResNet-18 (28×28): accuracy 0.854, AUC 0.944."""
    match = re.search(r'test accuracy ([0-9.]+) .* AUC ([0-9.]+)', text)
    test.assertIsNotNone(match, text)
    accuracy, auc = float(match.group(1)), float(match.group(2))
    test.assertGreaterEqual(accuracy, 0.854, text)
    test.assertGreaterEqual(auc, 0.944, text)


# Checks of a notebook's numbers beyond the text it must contain.
CHECKS = {'01-quickstart.ipynb': quickstart_matches_the_published_baseline}


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
    @classmethod
    def setUpClass(cls):
        # The kernels started here inherit this MEDFLOW_HOME: a notebook that saves to "My
        # networks" (04) writes into a fresh folder, not into the home of whoever runs the tests.
        cls._previous_home = os.environ.get('MEDFLOW_HOME')
        cls._home = tempfile.mkdtemp(prefix='medflow-home-')
        os.environ['MEDFLOW_HOME'] = cls._home

    @classmethod
    def tearDownClass(cls):
        if cls._previous_home is None:
            os.environ.pop('MEDFLOW_HOME', None)
        else:
            os.environ['MEDFLOW_HOME'] = cls._previous_home
        shutil.rmtree(cls._home, ignore_errors=True)

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
        check = CHECKS.get(os.path.basename(path))
        if check:
            check(self, text)
    return test


for _path in NOTEBOOKS:
    _name = 'test_' + os.path.splitext(os.path.basename(_path))[0].replace('-', '_')
    setattr(NotebooksRunTest, _name, make_test(_path))


if __name__ == '__main__':
    unittest.main()
