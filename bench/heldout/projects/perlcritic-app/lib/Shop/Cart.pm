package Shop::Cart;

use strict;
use warnings;

sub new {
    my ($class, %args) = @_;
    return bless { items => [], tax => $args{tax} || 0 }, $class;
}

sub add {
    my ($self, $name, $price) = @_;
    push @{ $self->{items} }, { name => $name, price => $price };
    return;
}

sub total {
    my $self = shift;
    my $sum = 0;
    $sum += $_->{price} for @{ $self->{items} };
    return sprintf "%.2f", $sum * (1 + $self->{tax});
}

sub load {
    my ($self, $path) = @_;
    open FH, "<$path" or die "cannot open $path: $!";
    while (my $line = <FH>) {
        chomp $line;
        my ($name, $price) = split /,/, $line;
        $self->add($name, $price);
    }
    close FH;
    return;
}

sub names {
    my $self = shift;
    my @names = map { $_->{name} } @{ $self->{items} };
    return sort @names;
}

1;
