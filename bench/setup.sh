#!/usr/bin/env bash
# Installs the benchmark anchors (ripgrep, yara, libevtx-utils, python3-evtx, nmap, GNU time) from Debian when missing,
# then prints their versions. Idempotent: apt is only touched when something is absent.
set -euo pipefail

need=()
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v yara >/dev/null 2>&1 || need+=(yara)
command -v evtxexport >/dev/null 2>&1 || need+=(libevtx-utils)
command -v evtx_dump.py >/dev/null 2>&1 || need+=(python3-evtx)
command -v nmap >/dev/null 2>&1 || need+=(nmap)
[ -x /usr/bin/time ] || need+=(time)

if [ ${#need[@]} -gt 0 ]; then
  sudo=''
  [ "$(id -u)" -ne 0 ] && sudo='sudo'
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "rg:         $(rg --version | head -1)"
echo "yara:       $(yara --version)"
echo "evtxexport: $(evtxexport -V 2>/dev/null | head -1)"
echo "python-evtx: $(dpkg-query -W -f '${Version}' python3-evtx 2>/dev/null)"
echo "nmap:       $(nmap --version | head -1)"
echo "time:       $(/usr/bin/time --version 2>&1 | head -1)"
echo "python3:    $(python3 --version 2>&1)"
echo "node:       $(node --version)"
echo "cpu:        $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
