import math


def area(shape, *sizes):
    if shape == "square":
        return sizes[0] ** 2
    if shape == "rectangle":
        return sizes[0] * sizes[1]
    if shape == "circle":
        return math.pi * sizes[0] ** 2
    raise ValueError(f"unknown shape: {shape}")


def perimeter(shape, *sizes):
    if shape == "square":
        return 4 * sizes[0]
    if shape == "rectangle":
        return 2 * (sizes[0] + sizes[1])
    if shape == "circle":
        return 2 * math.pi * sizes[0]
    raise ValueError(f"unknown shape: {shape}")
