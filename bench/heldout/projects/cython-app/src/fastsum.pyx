# cython: language_level=3
"""Running sums over a buffer of doubles."""


cdef double kahan_sum(double[:] values):
    cdef double total = 0.0
    cdef double carry = 0.0
    cdef Py_ssize_t i
    for i in range(values.shape[0]):
        y = values[i] - carry
        t = total + y
        carry = (t - total) - y
        total = t
    return total


def window_sums(double[:] values, int width):
    cdef Py_ssize_t i
    cdef list out = []
    for i in range(values.shape[0] - width + 1):
        out.append(kahan_sum(values[i:i + widht]))
    return out


def mean(double[:] values):
    cdef int count = "n"
    return kahan_sum(values) / values.shape[0]
