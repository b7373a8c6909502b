#!/usr/bin/env bash
# Builds carsight-streamer_<version>_all.deb from the streamer's fat jar.
#   build-deb.sh VERSION STREAMER_JAR OUTPUT_DIR
set -euo pipefail

version=$1
jar=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)

[[ -r $jar ]] || { echo "build-deb: no streamer jar at $jar (build pi-streamer first)" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is needed (Debian package dpkg)" >&2; exit 1; }
changelog_version=$(sed -n '1s/^carsight-streamer (\([^)]*\)).*/\1/p' "$here/debian/changelog")
if [[ $changelog_version != "$version" ]]; then
    echo "build-deb: debian/changelog starts at $changelog_version but the project is $version: add an entry" >&2
    exit 1
fi

root=$(mktemp -d)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
umask 022

install -D -m 644 "$jar" "$root/usr/share/carsight/carsight-streamer.jar"
install -D -m 755 "$here/carsight-streamer" "$root/usr/bin/carsight-streamer"
install -D -m 644 "$here/streamer.conf" "$root/etc/carsight/streamer.conf"
install -D -m 644 "$here/carsight-streamer.service" "$root/lib/systemd/system/carsight-streamer.service"
install -d "$root/usr/share/man/man1" "$root/usr/share/doc/carsight-streamer"
sed "s/@VERSION@/$version/" "$here/carsight-streamer.1" | gzip -9n > "$root/usr/share/man/man1/carsight-streamer.1.gz"
gzip -9n < "$here/debian/changelog" > "$root/usr/share/doc/carsight-streamer/changelog.gz"
install -m 644 "$here/debian/copyright" "$root/usr/share/doc/carsight-streamer/copyright"
# every file dated by the changelog, so the same inputs give the same package
stamp=$(date -d "$(sed -n 's/^ -- .*>  //p' "$here/debian/changelog" | head -1)" +%s)
find "$root" -exec touch -h -d "@$stamp" {} +

install -d "$root/DEBIAN"
size=$(du -sk --apparent-size "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" "$here/debian/control" > "$root/DEBIAN/control"
install -m 644 "$here/debian/conffiles" "$root/DEBIAN/conffiles"
install -m 755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"

mkdir -p "$out"
# gzip, not xz: the jars inside are compressed already (xz saved 1.7 % and took 17 s here), and a Zero unpacks gzip
# several times faster than xz
deb="$out/carsight-streamer_${version}_all.deb"
SOURCE_DATE_EPOCH=$stamp dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1))"
