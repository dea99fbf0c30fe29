#!/usr/bin/perl
# Writes a MaxMind DB (.mmdb) file of AS or country data from a small CSV list, with MaxMind's own
# writer (Debian: apt-get install libmaxmind-db-writer-perl).
#
# Input, one network a line, by shape:
#   AS shapes (maxmind, ipinfo, unknown):   network,asn,organisation
#     - asn: a decimal AS number (0..4294967295)
#     - organisation: the rest of the line (it may contain commas; it may be wrapped in double
#       quotes, with "" for a quote inside)
#   country shapes (maxmind-country, maxmind-city, dbip-country, dbip-city):
#                      network,country_code,country_name[,registered_code,registered_name[,city]]
#     - an empty country_code leaves the record without `country` (MaxMind does that where it
#       knows only the registered country); an empty name leaves out `names`
#     - registered_*: MaxMind's `registered_country`, written only when given (DB-IP has none:
#       the dbip shapes ignore these columns)
#     - city (city shapes): the city's English name; every city record also gets a `location`
#       and `subdivisions` of its own, so that records are as many and as varied as in a real
#       city database
#     - fields with commas are wrapped in double quotes ("Korea, Republic of")
#   ipinfo-lite (AS and country in one record, as IPinfo Lite):
#                      network,country_code,country_name,asn,as_name
#     - asn may be empty (a network with a country and no AS); as_name is the rest of the line
#   - network: an IPv4 or IPv6 prefix (8.8.8.0/24, 2001:4860::/32)
#   Blank lines and lines starting with # are ignored, and so is a header as the first line.
#
# With --ranges, the network column is two: first-address,last-address
#   (the layout of ip-location-db's asn-ipv4.csv / asn-ipv6.csv and country CSVs).
#
# Usage: write-mmdb.pl [options] INPUT.csv [MORE.csv ...] OUTPUT.mmdb
#   --shape=maxmind   GeoLite2-ASN / DB-IP records: autonomous_system_number (uint32),
#                     autonomous_system_organization (string)               [default]
#   --shape=ipinfo    IPinfo ASN records: asn ("AS15169"), name, domain
#   --shape=ipinfo-lite  IPinfo Lite records: asn ("AS15169"), as_name, as_domain,
#                     country_code, country (the name)
#   --shape=maxmind-country  GeoLite2-Country records: country {iso_code, names {en},
#                     is_in_european_union}, registered_country {...}
#   --shape=maxmind-city     GeoLite2-City records: the country ones (with geoname_id and
#                     names {de, en}) plus city, location, postal, subdivisions
#   --shape=dbip-country     DB-IP Country Lite records: country (no registered_country)
#   --shape=dbip-city        DB-IP City Lite records: dbip-country plus city, location, subdivisions
#   --shape=unknown   records with fields the exporter does not know (as_num, org), for tests
#   --ip-version=4|6  the tree's IP version [default 6; IPv4 networks go under ::/96;
#                     with 4, IPv6 lines are skipped]
#   --no-alias        with --ip-version=6, do not alias ::ffff:0:0/96 (and 6to4/Teredo) to IPv4
#   --database-type=S metadata database_type [GeoLite2-ASN for maxmind, GeoLite2-Country, ...]
#   --build-epoch=N   metadata build_epoch [default: $SOURCE_DATE_EPOCH, else now]
#   --record-size=N   24, 28 or 32 [default 24]
#   --ranges          input lines start first,last instead of network
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
    # MaxMind / DB-IP country and city records
    country              => 'map',
    registered_country   => 'map',
    city                 => 'map',
    location             => 'map',
    postal               => 'map',
    subdivisions         => [ 'array', 'map' ],
    names                => 'map',
    en                   => 'utf8_string',
    de                   => 'utf8_string',
    code                 => 'utf8_string',
    iso_code             => 'utf8_string',
    geoname_id           => 'uint32',
    is_in_european_union => 'boolean',
    latitude             => 'double',
    longitude            => 'double',
    accuracy_radius      => 'uint16',
    time_zone            => 'utf8_string',
);
$types{country} = 'utf8_string' if $shape eq 'ipinfo-lite';    # IPinfo's country is a name

my %eu = map { $_ => 1 } qw(AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK);

# A country map as MaxMind and DB-IP write it. City shapes also get a made-up geoname_id and a
# second language, as a real city file has (ids and eight languages), for the reader to skip.
sub country {
    my ( $code, $name, $is_city ) = @_;
    my %country = ( iso_code => $code, is_in_european_union => $eu{$code} ? 1 : 0 );
    $country{names} = { en => $name } if $name ne '';
    if ($is_city) {
        $country{geoname_id} = 6_000_000 + ord( substr $code, 0, 1 ) * 256 + ord( substr $code, -1 );
        $country{names}{de} = "$name (de)" if $name ne '';
    }
    return \%country;
}

# Fields of a city record that make each network's record its own: a made-up place per line.
my $place = 0;
sub city_fields {
    my ( $city, $code ) = @_;
    $place++;
    my %fields = (
        location => {
            latitude        => -60 + ( $place * 7.31 ) % 130,
            longitude       => -180 + ( $place * 13.17 ) % 360,
            accuracy_radius => 5 + $place % 500,
            time_zone       => 'Etc/GMT',
        },
        subdivisions => [ { iso_code => sprintf( 'S%d', $place % 50 ), names => { en => "Region $place" } } ],
    );
    $fields{city}   = { geoname_id => 1_000_000 + $place, names => { en => $city, de => $city } } if $city ne '';
    $fields{postal} = { code => sprintf( '%05d', $place % 100_000 ) };
    return %fields;
}

# Each shape: how many columns after the network (the last one takes the rest of the line, for AS
# names with commas; 0: any number, quoted where needed), and the record of a line.
my %shapes = (
    maxmind => [ 2, sub { { autonomous_system_number => as_number( $_[0] ), autonomous_system_organization => $_[1] } } ],
    ipinfo  => [ 2, sub { { asn => 'AS' . as_number( $_[0] ), name => $_[1], domain => '' } } ],
    unknown => [ 2, sub { { as_num => as_number( $_[0] ), org => $_[1] } } ],
    'ipinfo-lite' => [
        4,
        sub {
            my ( $code, $name, $asn, $as_name ) = @_;
            my %record = ( country_code => $code, country => $name );
            %record = ( %record, asn => 'AS' . as_number($asn), as_name => $as_name, as_domain => '' ) if $asn ne '';
            return \%record;
        }
    ],
    'maxmind-country' => [ 0, sub { maxmind_record( 0, @_ ) } ],
    'maxmind-city'    => [ 0, sub { maxmind_record( 1, @_ ) } ],
    'dbip-country'    => [ 0, sub { dbip_record( 0, @_ ) } ],
    'dbip-city'       => [ 0, sub { dbip_record( 1, @_ ) } ],
);

sub maxmind_record {
    my ( $is_city, $code, $name, $registered_code, $registered_name, $city ) = @_;
    my %record;
    $record{country}            = country( $code, $name // '', $is_city )                       if $code ne '';
    $record{registered_country} = country( $registered_code, $registered_name // '', $is_city ) if ( $registered_code // '' ) ne '';
    %record = ( %record, city_fields( $city // '', $code ) ) if $is_city;
    return \%record;
}

sub dbip_record {
    my ( $is_city, $code, $name, undef, undef, $city ) = @_;
    my %record;
    $record{country} = country( $code, $name // '', $is_city ) if $code ne '';
    if ($is_city) {
        my %city = city_fields( $city // '', $code );
        delete $city{postal};
        %record = ( %record, %city );
    }
    return \%record;
}

sub as_number {
    my ($asn) = @_;
    $asn =~ /^\d+$/ or die "not an AS number: $asn\n";
    return $asn + 0;
}

# Splits a CSV line into fields: "quoted" with "" for a quote, or bare and trimmed. With a limit,
# the last field is the rest of the line (trimmed, and unquoted if it is wholly quoted).
sub fields {
    my ( $line, $limit ) = @_;
    my @out;
    while (1) {
        $line =~ s/^\s+//;
        if ( $limit && @out == $limit - 1 ) {
            $line =~ s/\s+$//;
            $line = $1 =~ s/""/"/gr if $line =~ /^"(.*)"$/;
            push @out, $line;
            return @out;
        }
        if ( $line =~ s/^"((?:[^"]|"")*)"\s*// ) {
            push @out, $1 =~ s/""/"/gr;
        }
        else {
            $line =~ s/^([^,]*)//;
            push @out, $1 =~ s/\s+$//r;
        }
        return @out if $line eq '';
        $line =~ s/^,// or die "expected a comma at: $line\n";
    }
}

my ( $columns, $make_record ) = @{ $shapes{$shape} // die "$0: unknown --shape=$shape (" . join( ', ', sort keys %shapes ) . ")\n" };
my %default_types = (
    maxmind           => 'GeoLite2-ASN',
    ipinfo            => 'ipinfo asn.mmdb',
    'ipinfo-lite'     => 'ipinfo ipinfo_lite.mmdb',
    'maxmind-country' => 'GeoLite2-Country',
    'maxmind-city'    => 'GeoLite2-City',
    'dbip-country'    => 'DBIP-Country-Lite',
    'dbip-city'       => 'DBIP-City-Lite',
);
$database_type //= $default_types{$shape} // 'Unknown-Test';
my $expected = ( $ranges ? 'first,last' : 'network' )
    . {
    2 => ',asn,organisation',
    4 => ',country_code,country_name,asn,as_name',
    0 => ',country_code,country_name[,registered_code,registered_name[,city]]',
    }->{$columns};

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => $ip_version,
    record_size              => $record_size,
    database_type            => $database_type,
    languages                => $shape =~ /city/ ? [ 'de', 'en' ] : ['en'],
    description              => { en => "flow-exporter test database ($shape shape)" },
    map_key_type_callback    => sub { $types{ $_[0] } // die "no type for key $_[0]\n" },
    remove_reserved_networks => 0,
    alias_ipv6_to_ipv4       => ( $ip_version == 6 && !$no_alias ) ? 1 : 0,
);
$tree->_set_build_epoch($build_epoch);

my $address = qr{^[0-9A-Fa-f:.]+$};
my $count   = 0;
for my $input (@inputs) {
    open my $in, '<:encoding(UTF-8)', $input or die "$0: cannot read $input: $!\n";
    while ( my $line = <$in> ) {
        $line =~ s/\r?\n\z//;
        next if $line =~ /^\s*(#|$)/;
        my @fields = eval { fields( $line, $columns ? $columns + 1 + $ranges : 0 ) };
        my ( $first, $last ) = $ranges ? splice( @fields, 0, 2 ) : ( shift @fields, undef );
        my ($network) = ( $first // '' ) =~ m{^([^/]*)};
        my $minimum = $columns || 2;
        if (   $@
            || @fields < $minimum
            || ( $columns && @fields != $columns )
            || $network !~ $address
            || ( $ranges ? ( $last // '' ) !~ $address : $first !~ m{/\d+$} )
            || ( $columns == 2 && $fields[0] !~ /^\d+$/ ) )
        {
            next if $. == 1;    # a header line
            die "$0: $input line $.: expected $expected but got: $line\n";
        }
        next if $ip_version == 4 && $first =~ /:/;    # an IPv4 tree cannot hold IPv6 networks
        my $record = eval { $make_record->(@fields) } // die "$0: $input line $.: $@";
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
