package Shop::Report;

use strict;
use warnings;

sub summary {
    my ($cart) = @_;
    my $text = "";
    foreach my $name ($cart->names) {
        $text .= "$name\n";
    }
    return $text . "total: " . $cart->total . "\n";
}

sub write_to {
    my ($cart, $path) = @_;
    open(my $fh, '>', $path) || die;
    print $fh summary($cart);
    close $fh;
}

1;
