#!/bin/sh
# Remakes styles/icc/fogra39l-coated-300.icc, the default output intent for A4 and A5.
#
# Run once by hand; the build and the tests never run it (they use the committed profile).
# Needs Debian's icc-profiles-free (the FOGRA39 characterisation data, zlib licence) and
# argyll (ArgyllCMS colprof):  apt-get install icc-profiles-free argyll
#
#   -qm      medium quality tables (120 KB; -ql is 28 KB but twice the error)
#   -nc      the 126 KB measurement data is not copied into the profile
#   -kr      black generation: a K ramp from white (no K) to black (full K), a medium GCR
#   -l300    total ink (C+M+Y+K) at most 300 %, the limit of the FOGRA39 condition here
#   -L95     black at most 95 %
# No -s/-S: the perceptual and saturation tables are the colorimetric one (pressroom converts
# with relative colorimetric and black-point compensation).
#
# colprof writes its own date into the profile header, so a remade profile differs from the
# committed one in those bytes (and in rounding, between ArgyllCMS versions). Made with
# ArgyllCMS 2.3.1 (Debian 2.3.1+repack-1.1) from icc-profiles-free 2.0.1+dfsg-1.1 on 2026-12-01.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp /usr/share/color/icc/FOGRA39L.ti3 "$work/fogra39l-coated-300.ti3"
cd "$work"
colprof -v -qm -nc -kr -l300 -L95 \
  -A "pressroom" \
  -M "FOGRA39: ISO 12647-2:2004/Amd 1, offset, coated paper (type 1/2), 300% TAC" \
  -D "Coated FOGRA39 300% (pressroom, ArgyllCMS, from FOGRA39L.ti3)" \
  -C "Made from FOGRA39L.ti3 (Fogra; Kai-Uwe Behrmann, icc-profiles-free), zlib licence" \
  fogra39l-coated-300
cp fogra39l-coated-300.icc "$here/fogra39l-coated-300.icc"
ls -l "$here/fogra39l-coated-300.icc"
