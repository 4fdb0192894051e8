import pickle
import subprocess

import requests

SECRET_KEY = "hunter2"


def run_report(name):
    return subprocess.call("generate-report " + name, shell=True)


def load_state(blob):
    return pickle.loads(blob)


def fetch(url):
    return requests.get(url, verify=False)
