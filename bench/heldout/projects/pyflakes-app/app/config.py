def load(path):
    with open(path) as fh:
        values = {}
        for line in fh:
            key, value = line.split("=", 1
            values[key.strip()] = value.strip()
    return values
