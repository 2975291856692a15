#!/usr/bin/env bash
# Debian packages the tests need: Tesseract with the simplified-Chinese model (OCR),
# Chromium (browser tests), Noto CJK fonts (Chinese in screenshots), poppler (PDF pages),
# Sphinx's searchd (the SphinxQL cluster's tests).
#
# Debian's sphinxsearch ships its system service switched off (START=no in
# /etc/default/sphinxsearch), so installing it starts nothing; and the tests never use that
# service: they start searchd processes of their own, with their own configs, in their own
# folders, on free loopback ports, whether a system searchd runs or not.
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-chi-sim chromium fonts-noto-cjk poppler-utils sphinxsearch)
missing=()
for p in "${packages[@]}"; do
  # Manticore Search installs a searchd the cluster runs as well: then no sphinxsearch.
  if [ "$p" = sphinxsearch ] && command -v searchd >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need these Debian packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
