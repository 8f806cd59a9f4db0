# layerlab check agent: runs the lab's check commands in a sandbox, over one long-lived `podman exec -i` as the
# sandbox's root (server/checks/check-channel.ts starts it as `perl -e`; Perl is in the image, Python is not).
#
# Only the lab holds this process's stdin and stdout (the podman exec pipes). It runs as root, so the learner cannot
# reach its file descriptors through /proc; each command gets only its own three pipes (Perl opens its own descriptors
# close-on-exec) and runs as the learner (setpriv) unless the request says root, in its own process group.
#
# Request, one line:  REQ <id> <learner|root> <timeoutMs> <maxBytes> <hex stdin> <hex arg>...
# Response, one line: RES <id> <exit code> <timed out 0|1> <cut 0|1> <hex stdout> <hex stderr>
# Everything a command prints travels hex-encoded, so no output can look like a frame. A line the agent cannot read
# ends it (the lab reopens a channel that breaks). Each request runs in its own forked handler; a token in a pipe
# lets one handler at a time write its (possibly long) response line.
use strict;
use warnings;
use POSIX ();
use IO::Select;
use Time::HiRes qw(time);

binmode STDIN;
binmode STDOUT;
$SIG{CHLD} = 'IGNORE';
$SIG{PIPE} = 'DEFAULT';
pipe(my $token_r, my $token_w) or die "pipe: $!";
syswrite($token_w, "t");
syswrite(STDOUT, "READY 1\n");

sub answer {
  my ($line) = @_;
  sysread($token_r, my $t, 1);
  my $off = 0;
  while ($off < length $line) {
    my $n = syswrite(STDOUT, $line, length($line) - $off, $off);
    POSIX::_exit(1) unless defined $n;
    $off += $n;
  }
  syswrite($token_w, "t");
}

sub handle {
  my ($id, $user, $timeout_ms, $max, $stdin_hex, @args_hex) = @_;
  my @cmd = map { pack('H*', $_) } @args_hex;
  my $input = pack('H*', $stdin_hex);
  pipe(my $in_r, my $in_w) or die;
  pipe(my $out_r, my $out_w) or die;
  pipe(my $err_r, my $err_w) or die;
  my $pid = fork;
  die "fork: $!" unless defined $pid;
  if ($pid == 0) {
    POSIX::setsid();
    open(STDIN, '<&', $in_r) or POSIX::_exit(126);
    open(STDOUT, '>&', $out_w) or POSIX::_exit(126);
    open(STDERR, '>&', $err_w) or POSIX::_exit(126);
    $SIG{PIPE} = 'DEFAULT';
    $SIG{CHLD} = 'DEFAULT';
    if ($user eq 'learner') {
      # As `podman exec --user learner` would: the image's environment with the learner's home and name.
      @ENV{qw(HOME USER LOGNAME)} = ('/home/learner', 'learner', 'learner');
      chdir '/home/learner';
      exec { 'setpriv' } 'setpriv', '--reuid=learner', '--regid=learner', '--init-groups', '--', @cmd;
    } else {
      @ENV{qw(HOME USER LOGNAME)} = ('/root', 'root', 'root');
      chdir '/';
      exec { $cmd[0] } @cmd;
    }
    print STDERR "layerlab-check-agent: cannot run $cmd[0]: $!\n";
    POSIX::_exit(127);
  }
  close $in_r; close $out_w; close $err_w;
  # Input goes in from a helper, so a command that does not read it cannot stall this handler.
  if (length $input) {
    my $writer = fork;
    if (defined $writer && $writer == 0) { $SIG{PIPE} = 'IGNORE'; print {$in_w} $input; close $in_w; POSIX::_exit(0); }
  }
  close $in_w;

  my %buf = (out => '', err => '');
  my %fh = (out => $out_r, err => $err_r);
  my $sel = IO::Select->new($out_r, $err_r);
  my $deadline = time + $timeout_ms / 1000;
  my ($timed_out, $cut, $kill_at, $status) = (0, 0, undef, undef);
  while (1) {
    if (!defined $status) {
      my $r = waitpid($pid, POSIX::WNOHANG());
      $status = $? if $r == $pid;
    }
    last if defined $status && $sel->count == 0;
    my $now = time;
    if (!$timed_out && !$cut && $now >= $deadline) {
      $timed_out = 1;
      kill 'TERM', -$pid;
      $kill_at = $now + 2;
    }
    if (defined $kill_at && $now >= $kill_at) { kill 'KILL', -$pid; $kill_at = undef; }
    # Once the command has exited, what is left in its pipes is read without waiting for writers it left behind.
    my $wait = defined $status ? 0 : 0.05;
    my @ready = $sel->can_read($wait);
    last if defined $status && !@ready;
    for my $h (@ready) {
      my $name = $h == $out_r ? 'out' : 'err';
      my $n = sysread($h, my $chunk, 65536);
      if (!$n) { $sel->remove($h); close $h; next; }
      $buf{$name} .= $chunk unless $cut;
      if (!$cut && length($buf{out}) + length($buf{err}) > $max) {
        # Over the cap: the command is stopped, as `| head -c` would stop it.
        $cut = 1;
        kill 'KILL', -$pid;
      }
    }
  }
  if (!defined $status) { waitpid($pid, 0); $status = $?; }
  my $code = $timed_out ? 124 : ($status & 127) ? 128 + ($status & 127) : $status >> 8;
  if ($cut) {
    my $keep = $max - length($buf{err});
    $buf{out} = substr($buf{out}, 0, $keep < 0 ? 0 : $keep);
    $buf{err} = substr($buf{err}, 0, $max - length($buf{out}));
  }
  answer(join(' ', 'RES', $id, $code, $timed_out, $cut, unpack('H*', $buf{out}), unpack('H*', $buf{err})) . "\n");
}

while (my $line = <STDIN>) {
  chomp $line;
  my @f = split / /, $line, -1;
  # Strict: anything else is not the lab talking; stop rather than guess.
  die "layerlab-check-agent: unreadable request\n"
    unless @f >= 7 && $f[0] eq 'REQ' && $f[1] =~ /^\d+$/ && $f[2] =~ /^(learner|root)$/ && $f[3] =~ /^\d+$/ && $f[4] =~ /^\d+$/
      && !grep { !/^(?:[0-9a-f]{2})*$/ } @f[5 .. $#f];
  my $pid = fork;
  die "fork: $!" unless defined $pid;
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    handle(@f[1 .. $#f]);
    POSIX::_exit(0);
  }
}
