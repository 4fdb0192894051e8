use strict;
use warnings;
use Test::More;
use lib 'lib';
use Temperature;

is(Temperature::parse('21C'), 21, 'celsius');
is(Temperature::parse('212F'), 100, 'fahrenheit');
is(Temperature::parse('21 °C'), 21, 'with a degree sign');
done_testing();
