use strict;
use warnings;
use Test::More tests => 2;
use lib 'lib';
use_ok('Temperature');
ok(Temperature->can('parse'), 'parse exists');
