use strict;
use warnings;
use Test::More tests => 4;
use lib 'lib';
use Temperature;

is(Temperature::c_to_f(100), 212, 'boiling point');
is(Temperature::c_to_f(-40), -40, 'minus forty');
is(Temperature::f_to_c(50), 10, 'fifty F');
is(sprintf('%.1f', Temperature::f_to_c(0)), '-17.7', 'zero F');
