#!/bin/sh
# A private CA and the certificates docker-compose.yml's mTLS needs, for trying kubeha out.
# In production use your own PKI; the file names are what docker-compose.yml mounts:
#   ca.pem                      the CA every party trusts (the frontend checks clients against it)
#   server.pem / server.key     Temporal frontend and internode (DNS name "temporal"), also a client
#   worker.pem / worker.key     the kubeha worker (CN kubeha-worker)
#   tools.pem / tools.key       Web UI, admin tools, search-attribute setup (CN temporal-tools)
#   cli-<name>.pem / .key       one per person or service running kubeha commands (CN <name>)
# Usage: deploy/tls/generate-dev-certs.sh [dir] [cli-name...]   (default dir: deploy/tls)
# Keys are written 0600 (umask 077). The containers read them as uid 1000: run
#   chown 1000 <dir>/*.key <dir>/*.pem
# when you are not uid 1000 yourself. Certificates are valid for DAYS (default 365).
set -eu
umask 077
dir="${1:-$(dirname "$0")}"
[ "$#" -gt 0 ] && shift
days="${DAYS:-365}"
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }

if [ ! -f ca.key ]; then
  key ca
  openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=kubeha temporal CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
fi

# issue NAME CN EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
issue() {
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=$3"
  [ -n "${4:-}" ] && ext="$ext
subjectAltName=$4"
  printf '%s\n' "$ext" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days "$days" -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}

issue server temporal serverAuth,clientAuth "DNS:temporal,DNS:localhost,IP:127.0.0.1"
issue worker kubeha-worker clientAuth
issue tools temporal-tools clientAuth
for name in "$@"; do issue "cli-$name" "$name" clientAuth; done
chmod 644 ca.pem
echo "wrote $(pwd): ca.pem server.* worker.* tools.*${*:+ cli-*}; keep ca.key offline once you have issued what you need"
