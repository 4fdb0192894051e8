import os


def data_dir():
    return os.path.join(os.path.dirname(__file__),'data')
