module stats;

import std.algorithm : sum;

/// The mean of a non-empty slice.
double mean(const double[] values)
{
    return values.sum / values.length;
}

/// The middle value of a sorted slice.
double median(const double[] sorted)
{
    immutable mid = sorted.length / 2;
    if (sorted.length % 2 == 0)
        return (sorted[mid - 1] + sorted[mid]) / 2;
    return sorted[mid];
}

/// The spread between the largest and the smallest value.
double range(const double[] values)
{
    return values.maxElement - values.minElement;
}
