package ExampleData;

# The bytes of a file of examples/data/ (the sample reports and sessions
# the Perl tests parse): slurp('return-receipt.eml').  Dies when the file
# cannot be read, so a test never runs on an empty string.

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Spec ();
use Exporter qw(import);
our @EXPORT = qw(slurp);

my $data = File::Spec->catdir(dirname(File::Spec->rel2abs(__FILE__)),
	'..', '..', '..', '..', 'examples', 'data');

sub slurp {
	my $path = File::Spec->catfile($data, shift);
	open(my $fh, '<:raw', $path) or die "$path: $!";
	local $/;
	return <$fh>;
}

1;
