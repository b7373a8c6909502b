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
command -v dpkg-deb >/dev/null && command -v fakeroot >/dev/null \
    || { echo "build-deb: dpkg-deb and fakeroot are needed (Debian packages dpkg, fakeroot)" >&2; exit 1; }
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

# the .deb from that image: menu entry, icon, /usr/bin/carsight-console, and the libraries JavaFX and the
# audio device module load at run time (jpackage finds the runtime's own)
cp "$here/copyright" "$work/copyright.txt"
"$jpackage" --type deb --app-image "$out/console-image/carsight-console" --name carsight-console \
    --app-version "$version" --vendor carsight \
    --description "carsight operator console: live video from the car, its latency and blind distance" \
    --resource-dir "$here/linux" \
    --linux-package-deps "libpulse0, libgtk-3-0" \
    --linux-shortcut --linux-menu-group "AudioVideo;Video" --linux-app-category video \
    --linux-deb-maintainer "dev@carsight.invalid" --about-url "https://carsight.invalid/" \
    --license-file "$work/copyright.txt" \
    --icon "$here/carsight.png" \
    --dest "$work"
mv "$work"/carsight-console_*_"${arch}.deb" "$out/carsight-console_${version}_${arch}.deb"
rm -rf "$work"
echo "build-deb: $out/carsight-console_${version}_${arch}.deb ($(du -h "$out/carsight-console_${version}_${arch}.deb" | cut -f1))"
