import sys
import os
from app.models import Order
import json
from collections import defaultdict


def load(path):
    with open(path) as f:
        return json.load(f)
