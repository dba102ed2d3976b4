#!/usr/bin/env bash
# Regenerates the wsgate demo key material in this directory (see README.md). openssl only.
#
#   certs/make-demo-certs.sh           refuses to overwrite existing files
#   certs/make-demo-certs.sh --force   makes NEW keys and certificates (commit them together)
#
# Every private key made here is PUBLIC (committed to the repository). TEST ONLY.
set -euo pipefail

cd "$(dirname "$0")"
OUT="$PWD"

if [[ "${1:-}" != "--force" && -e demo-ca.pem ]]; then
  echo "certs already exist; run with --force to replace them" >&2
  exit 1
fi

NOT_BEFORE=20250101000000Z
NOT_AFTER=20450101000000Z
ORG="wsgate TEST-ONLY demo"
P12_PASS="wsgate-demo-only"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# A minimal `openssl ca` set-up: unlike `x509 -req -days`, `ca` takes exact start and end dates.
new_ca_db() { # $1 = name
  local db="$WORK/$1"
  mkdir -p "$db/new"
  : > "$db/index.txt"
  cat > "$db/ca.cnf" <<EOF
[ ca ]
default_ca = this_ca
[ this_ca ]
dir = $db
database = \$dir/index.txt
new_certs_dir = \$dir/new
rand_serial = yes
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

key() { # $1 = file, $2 = RSA bits
  openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$OUT/$1" 2>/dev/null
  chmod 644 "$OUT/$1" # public test key: readable on purpose
}

root_ca() { # $1 = base name, $2 = subject
  new_ca_db "$1"
  key "$1.key" 3072
  openssl req -new -key "$OUT/$1.key" -subj "$2" -out "$WORK/$1.csr"
  openssl ca -batch -notext -config "$WORK/$1/ca.cnf" -selfsign -keyfile "$OUT/$1.key" \
    -startdate "$NOT_BEFORE" -enddate "$NOT_AFTER" -extensions v3_root \
    -in "$WORK/$1.csr" -out "$OUT/$1.pem" 2>/dev/null
}

leaf() { # $1 = base name, $2 = subject, $3 = issuing CA base name, $4 = extensions section
  key "$1.key" 2048
  openssl req -new -key "$OUT/$1.key" -subj "$2" -out "$WORK/$1.csr"
  openssl ca -batch -notext -config "$WORK/$3/ca.cnf" -cert "$OUT/$3.pem" -keyfile "$OUT/$3.key" \
    -startdate "$NOT_BEFORE" -enddate "$NOT_AFTER" -extensions "$4" \
    -in "$WORK/$1.csr" -out "$OUT/$1.pem" 2>/dev/null
}

root_ca demo-ca "/C=NL/O=$ORG/OU=Demo PKI/CN=wsgate Demo Root CA"
leaf gateway-tls "/C=NL/O=$ORG/OU=Gateway/CN=localhost" demo-ca v3_server
leaf client "/C=NL/O=$ORG/OU=Demo Clients/CN=wsgate demo client" demo-ca v3_client

root_ca untrusted-ca "/C=NL/O=$ORG/OU=Untrusted PKI/CN=wsgate Untrusted Demo CA"
leaf untrusted-client "/C=NL/O=$ORG/OU=Untrusted Clients/CN=wsgate untrusted demo client" untrusted-ca v3_client

printf '%s\n' "$P12_PASS" > gateway-tls.p12.pass
openssl pkcs12 -export -name "wsgate demo gateway TLS" \
  -inkey gateway-tls.key -in gateway-tls.pem -certfile demo-ca.pem \
  -passout "file:gateway-tls.p12.pass" -out gateway-tls.p12
chmod 644 gateway-tls.p12

printf 'wsgate demo key material: public, TEST ONLY, never for production. See README.md.\n' > TEST-ONLY

for f in demo-ca gateway-tls client untrusted-ca untrusted-client; do
  printf '%-21s %s\n' "$f.pem" "$(openssl x509 -in "$f.pem" -noout -subject -dates | tr '\n' ' ')"
done
