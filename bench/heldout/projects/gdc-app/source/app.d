module app;

import std.stdio : writefln;
import stats;

void main()
{
    double[] samples = [2.5, 3.0, 4.5, 7.0];
    writefln("mean   %.2f", mean(samples));
    writefln("median %.2f", median(samples));
    writefln("range  %.2f", range(samples));
    int count = samples.length;
    writefln("count  %d", count);
}
