from Cython.Build import cythonize
from setuptools import setup

setup(name="fastsum", ext_modules=cythonize("src/fastsum.pyx"))
