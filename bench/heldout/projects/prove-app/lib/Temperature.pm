package Temperature;
use strict;
use warnings;

sub c_to_f {
    my ($c) = @_;
    return $c * 9 / 5 + 32;
}

sub f_to_c {
    my ($f) = @_;
    return ($f - 32) * 5 / 9;
}

sub parse {
    my ($text) = @_;
    my ($value, $unit) = $text =~ /^(-?\d+(?:\.\d+)?)\s*([CF])$/
        or die "cannot parse temperature '$text'";
    return $unit eq 'C' ? $value : f_to_c($value);
}

1;
