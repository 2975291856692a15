#!/usr/bin/env bash
# Debian packages stdsearch needs.
#
#   .ci/system-deps.sh          what the tests need (make test): Tesseract with the
#                               simplified-Chinese model (OCR), Chromium (browser tests),
#                               Noto CJK fonts (Chinese in screenshots), poppler (PDF pages),
#                               Sphinx's searchd (the SphinxQL cluster's tests)
#   .ci/system-deps.sh --ocr    what OCR of scanned pages needs (make run): Tesseract and
#                               chi_sim. Optional: without root, or when apt-get fails, it
#                               prints the command and exits 0, and stdsearch goes on
#                               without OCR (scanned pages are kept as needing OCR).
#
# Debian's sphinxsearch ships its system service switched off (START=no in
# /etc/default/sphinxsearch), so installing it starts nothing; and the tests never use that
# service: they start searchd processes of their own, with their own configs, in their own
# folders, on free loopback ports, whether a system searchd runs or not.
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-chi-sim chromium fonts-noto-cjk poppler-utils sphinxsearch)
optional=false
if [ "${1:-}" = --ocr ]; then
  packages=(tesseract-ocr tesseract-ocr-chi-sim)
  optional=true
fi
missing=()
for p in "${packages[@]}"; do
  # Manticore Search installs a searchd the cluster runs as well: then no sphinxsearch.
  if [ "$p" = sphinxsearch ] && command -v searchd >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
install="apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  $optional || exit 1
  echo "Could not install ${missing[*]}: stdsearch runs without OCR (scanned pages wait for it)." >&2
  exit 0
fi
if $optional; then
  echo "OCR of scanned pages needs Tesseract with its Chinese model. Install it with:" >&2
  echo "  sudo $install" >&2
  echo "Going on without OCR: scanned pages are kept as needing OCR until then." >&2
  exit 0
fi
echo "The tests need these Debian packages. Install them with:" >&2
echo "  sudo $install" >&2
exit 1
