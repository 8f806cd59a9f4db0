#!/bin/sh
# mmdebstrap customize hook: the apt settings Docker's official debian images carry
# (clean .debs after every install, no translations, gzipped indexes).
# $1 = root directory of the image being built.
set -e
d="$1/etc/apt/apt.conf.d"
mkdir -p "$d"
cat >"$d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
echo 'Acquire::Languages "none";' >"$d/docker-no-languages"
echo 'Acquire::GzipIndexes "true";' >"$d/docker-gzip-indexes"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$d/docker-autoremove-suggests"
