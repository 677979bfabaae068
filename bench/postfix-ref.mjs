// Reference: Postfix from Debian as a relay to the same sink (install: apt-get install -y postfix).
export async function postfixReference() {
  return undefined;
}
