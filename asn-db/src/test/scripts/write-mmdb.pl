#!/usr/bin/perl
# Writes a MaxMind DB (.mmdb) file of AS data from a small CSV list, with MaxMind's own writer
# (Debian: apt-get install libmaxmind-db-writer-perl).
#
# Input, one network a line:   network,asn,organisation
#   - network: an IPv4 or IPv6 prefix (8.8.8.0/24, 2001:4860::/32)
#   - asn: a decimal AS number (0..4294967295)
#   - organisation: the rest of the line (it may contain commas; it may be wrapped in double
#     quotes, with "" for a quote inside)
#   Blank lines and lines starting with # are ignored.
#
# With --ranges, lines are instead:  first-address,last-address,asn,organisation
#   (the layout of ip-location-db's asn-ipv4.csv / asn-ipv6.csv; a header line is skipped).
#
# Usage: write-mmdb.pl [options] INPUT.csv [MORE.csv ...] OUTPUT.mmdb
#   --shape=maxmind   GeoLite2-ASN / DB-IP records: autonomous_system_number (uint32),
#                     autonomous_system_organization (string)               [default]
#   --shape=ipinfo    IPinfo ASN records: asn ("AS15169"), name, domain
#   --shape=ipinfo-lite  IPinfo Lite records: asn ("AS15169"), as_name, as_domain, country_code
#   --shape=unknown   records with fields the exporter does not know (as_num, org), for tests
#   --ip-version=4|6  the tree's IP version [default 6; IPv4 networks go under ::/96;
#                     with 4, IPv6 lines are skipped]
#   --no-alias        with --ip-version=6, do not alias ::ffff:0:0/96 (and 6to4/Teredo) to IPv4
#   --database-type=S metadata database_type [GeoLite2-ASN for maxmind, "ipinfo asn.mmdb", ...]
#   --build-epoch=N   metadata build_epoch [default: $SOURCE_DATE_EPOCH, else now]
#   --record-size=N   24, 28 or 32 [default 24]
#   --ranges          input lines are first,last,asn,organisation instead of network,asn,organisation
use strict;
use warnings;
use utf8;

use Getopt::Long qw(GetOptions);
use MaxMind::DB::Writer::Tree;

my $shape       = 'maxmind';
my $ip_version  = 6;
my $no_alias    = 0;
my $record_size = 24;
my $database_type;
my $build_epoch = $ENV{SOURCE_DATE_EPOCH} // time();
my $ranges      = 0;

GetOptions(
    'shape=s'         => \$shape,
    'ip-version=i'    => \$ip_version,
    'no-alias'        => \$no_alias,
    'database-type=s' => \$database_type,
    'build-epoch=i'   => \$build_epoch,
    'record-size=i'   => \$record_size,
    'ranges'          => \$ranges,
) or die "usage: $0 [options] INPUT.csv [MORE.csv ...] OUTPUT.mmdb\n";
@ARGV >= 2 or die "usage: $0 [options] INPUT.csv [MORE.csv ...] OUTPUT.mmdb\n";
my $output = pop @ARGV;
my @inputs = @ARGV;

my %types = (
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    asn                            => 'utf8_string',
    name                           => 'utf8_string',
    domain                         => 'utf8_string',
    as_name                        => 'utf8_string',
    as_domain                      => 'utf8_string',
    country_code                   => 'utf8_string',
    as_num                         => 'uint32',
    org                            => 'utf8_string',
);

my %record_of = (
    maxmind => sub { { autonomous_system_number => $_[0], autonomous_system_organization => $_[1] } },
    ipinfo  => sub { { asn => "AS$_[0]", name => $_[1], domain => '' } },
    'ipinfo-lite' => sub { { asn => "AS$_[0]", as_name => $_[1], as_domain => '', country_code => 'ZZ' } },
    unknown => sub { { as_num => $_[0], org => $_[1] } },
);
my $make_record = $record_of{$shape} or die "$0: unknown --shape=$shape (maxmind, ipinfo, ipinfo-lite, unknown)\n";
$database_type //= $shape eq 'maxmind' ? 'GeoLite2-ASN' : $shape eq 'ipinfo' ? 'ipinfo asn.mmdb'
    : $shape eq 'ipinfo-lite' ? 'ipinfo ipinfo_lite.mmdb' : 'Unknown-Test';

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => $ip_version,
    record_size              => $record_size,
    database_type            => $database_type,
    languages                => ['en'],
    description              => { en => "flow-exporter test database ($shape shape)" },
    map_key_type_callback    => sub { $types{ $_[0] } // die "no type for key $_[0]\n" },
    remove_reserved_networks => 0,
    alias_ipv6_to_ipv4       => ( $ip_version == 6 && !$no_alias ) ? 1 : 0,
);
$tree->_set_build_epoch($build_epoch);

my $count = 0;
for my $input (@inputs) {
    open my $in, '<:encoding(UTF-8)', $input or die "$0: cannot read $input: $!\n";
    while ( my $line = <$in> ) {
        $line =~ s/\r?\n\z//;
        next if $line =~ /^\s*(#|$)/;
        my ( $first, $last, $asn, $org );
        if ($ranges) {
            ( $first, $last, $asn, $org ) = split /\s*,\s*/, $line, 4;
        }
        else {
            ( $first, $asn, $org ) = split /\s*,\s*/, $line, 3;
        }
        if ( !defined $org || $asn !~ /^\d+$/ ) {
            next if $. == 1;    # a header line
            die "$0: $input line $.: expected "
                . ( $ranges ? 'first,last,asn,organisation' : 'network,asn,organisation' )
                . " but got: $line\n";
        }
        $org = $1 =~ s/""/"/gr if $org =~ /^"(.*)"$/;
        next if $ip_version == 4 && $first =~ /:/;    # an IPv4 tree cannot hold IPv6 networks
        my $record = $make_record->( $asn + 0, $org );
        if   ($ranges) { $tree->insert_range( $first, $last, $record ) }
        else           { $tree->insert_network( $first, $record ) }
        $count++;
    }
    close $in;
}

open my $out, '>:raw', $output or die "$0: cannot write $output: $!\n";
$tree->write_tree($out);
close $out or die "$0: cannot write $output: $!\n";
print STDERR "$0: wrote $count networks to $output\n" if $ENV{WRITE_MMDB_VERBOSE};
