#!/usr/bin/env bash
# Builds the console's jpackage app-image (with a trimmed Java runtime) and carsight-console_<version>_amd64.deb.
#   build-deb.sh VERSION CONSOLE_JAR MODULES OUTPUT_DIR
# MODULES: the Java modules the runtime keeps (comma-separated), from jdeps on the console jar.
set -euo pipefail

version=$1
jar=$2
modules=$3
out=$4
here=$(cd "$(dirname "$0")" && pwd)

[[ -r $jar ]] || { echo "build-deb: no console jar at $jar (build console-app first)" >&2; exit 1; }
jpackage=${JAVA_HOME:+$JAVA_HOME/bin/}jpackage
command -v "$jpackage" >/dev/null || { echo "build-deb: jpackage (JDK 17 or newer) is needed" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is needed (Debian package dpkg)" >&2; exit 1; }
changelog_version=$(sed -n '1s/^carsight-console (\([^)]*\)).*/\1/p' "$here/changelog")
if [[ $changelog_version != "$version" ]]; then
    echo "build-deb: console/changelog starts at $changelog_version but the project is $version: add an entry" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)

work="$out/console-work"
rm -rf "$work" "$out/console-image"
mkdir -p "$work/input" "$out"
cp "$jar" "$work/input/carsight-console.jar"

"$jpackage" --type app-image --name carsight-console --app-version "$version" \
    --vendor carsight --description "carsight operator console" \
    --input "$work/input" --main-jar carsight-console.jar --main-class carsight.console.Launcher \
    --add-modules "$modules" \
    --jlink-options "--strip-debug --no-man-pages --no-header-files --compress=2" \
    --java-options "-Xmx512m" \
    --icon "$here/carsight.png" \
    --dest "$out/console-image"
echo "build-deb: app-image $out/console-image/carsight-console ($(du -sh "$out/console-image/carsight-console" | cut -f1))"

# The .deb, built the Debian way rather than by jpackage: the menu entry and the icon are files the package owns
# (/usr/share/applications, /usr/share/icons/hicolor; the desktop's own triggers refresh their caches), the command
# is a packaged link, and there are no maintainer scripts that could fail on a machine without a desktop menu
# system (jpackage's run xdg-desktop-menu, which stops on a server or in a container).
root="$work/root"
install -d "$root/opt" "$root/usr/bin" "$root/usr/share/doc/carsight-console"
cp -a "$out/console-image/carsight-console" "$root/opt/carsight-console"
ln -s /opt/carsight-console/bin/carsight-console "$root/usr/bin/carsight-console"
install -D -m 644 "$here/linux/carsight-console.desktop" "$root/usr/share/applications/carsight-console.desktop"
install -D -m 644 "$here/carsight.png" "$root/usr/share/icons/hicolor/256x256/apps/carsight-console.png"
install -m 644 "$here/copyright" "$root/usr/share/doc/carsight-console/copyright"
gzip -9n < "$here/changelog" > "$root/usr/share/doc/carsight-console/changelog.gz"
find "$root" -type d -exec chmod 755 {} +

# what the image's own libraries need from the system (as jpackage finds it: the package of each library they load),
# and what JavaFX and the audio device module load at run time
needs=$(find "$root/opt/carsight-console" -name '*.so*' -type f -exec ldd {} + 2>/dev/null \
    | awk '/=> \// {print $3}' | sort -u | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u | paste -sd, - || true)
depends=$(echo "${needs:+$needs,}libpulse0,libgtk-3-0" | tr ',' '\n' | sed 's/ //g' | grep -v '^$' | sort -u | paste -sd, - \
    | sed 's/,/, /g')
size=$(du -sk --apparent-size "$root" | cut -f1)
install -d "$root/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    "$here/linux/control" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
deb="$out/carsight-console_${version}_${arch}.deb"
# gzip, not xz: the runtime's modules are compressed by jlink already (xz made the package 5 % smaller in 30 s, gzip
# takes 3 s)
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
rm -rf "$work"
echo "build-deb: $deb ($(du -h "$deb" | cut -f1))"
