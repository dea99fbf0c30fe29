package io.flowexporter.app.http;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * An unencrypted PEM private key in the three forms certificate tools write: PKCS#8 ({@code BEGIN
 * PRIVATE KEY}: {@code openssl genpkey}; RSA, EC or Ed25519), PKCS#1 ({@code BEGIN RSA PRIVATE
 * KEY}: cert-manager's default encoding, {@code openssl genrsa -traditional}) and SEC1 ({@code
 * BEGIN EC PRIVATE KEY}: {@code openssl ecparam -genkey}). Java reads PKCS#8 only, so the other two
 * are wrapped into it: a PKCS#8 key is the same key inside a header naming its algorithm (and, for
 * EC, its curve, which SEC1 carries in its optional parameters).
 */
final class PemPrivateKey {

  /** Why a key file cannot be used, in words for the operator. */
  static final class BadKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    BadKeyException(String message) {
      super(message);
    }
  }

  /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** The OID id-ecPublicKey (1.2.840.10045.2.1), with its tag and length. */
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private PemPrivateKey() {}

  /** The key in {@code pem}, which may hold other blocks too (EC PARAMETERS, certificates). */
  static PrivateKey parse(String pem) throws BadKeyException {
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || pem.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new BadKeyException(
          "an encrypted private key; the exporter needs it unencrypted (openssl pkey -in old.key"
              + " -out new.key), readable by its user only");
    }
    byte[] der = block(pem, "PRIVATE KEY");
    if (der != null) {
      return pkcs8(der);
    }
    der = block(pem, "RSA PRIVATE KEY");
    if (der != null) {
      return pkcs8(sequence(VERSION_0, RSA_ALGORITHM, tagged(0x04, der)));
    }
    der = block(pem, "EC PRIVATE KEY");
    if (der != null) {
      byte[] curve = sec1Curve(der);
      return pkcs8(sequence(VERSION_0, sequence(EC_PUBLIC_KEY, curve), tagged(0x04, der)));
    }
    throw new BadKeyException(
        "not a PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
  }

  /** The base64 body of the block {@code -----BEGIN type-----}, decoded; null if there is none. */
  private static byte[] block(String pem, String type) throws BadKeyException {
    String begin = "-----BEGIN " + type + "-----";
    int start = pem.indexOf(begin);
    int end = pem.indexOf("-----END " + type + "-----");
    if (start < 0) {
      return null;
    }
    if (end < start) {
      throw new BadKeyException("its " + begin + " block has no end");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    } catch (IllegalArgumentException e) {
      throw new BadKeyException("bad base64 in its " + type + " block");
    }
  }

  private static PrivateKey pkcs8(byte[] der) throws BadKeyException {
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // the next algorithm; a RuntimeException for bytes no decoder could make sense of
      }
    }
    throw new BadKeyException("not an RSA, EC or Ed25519 private key");
  }

  /**
   * The named curve's OID (with tag and length) from a SEC1 ECPrivateKey: SEQUENCE { INTEGER 1,
   * OCTET STRING key, [0] OID curve OPTIONAL, [1] BIT STRING public key OPTIONAL }.
   */
  private static byte[] sec1Curve(byte[] der) throws BadKeyException {
    Der outer = Der.read(der, 0, 0x30);
    int at = outer.contentStart();
    at = Der.read(der, at, 0x02).end(); // version
    at = Der.read(der, at, 0x04).end(); // the private key
    while (at < outer.end()) {
      Der field = Der.read(der, at, -1);
      if (field.tag() == 0xa0) {
        Der oid = Der.read(der, field.contentStart(), 0x06);
        return Arrays.copyOfRange(der, field.contentStart(), oid.end());
      }
      at = field.end();
    }
    throw new BadKeyException(
        "an EC private key without its curve; write it with the curve named (openssl ec -in old.key"
            + " -out new.key)");
  }

  /** One DER element: its tag, where its content starts and where it ends. */
  private record Der(int tag, int contentStart, int end) {

    /** The element at {@code at}, which must have {@code tag} (or any tag, for -1). */
    static Der read(byte[] der, int at, int tag) throws BadKeyException {
      if (at + 2 > der.length || (tag >= 0 && (der[at] & 0xff) != tag)) {
        throw new BadKeyException("not a well-formed EC private key (SEC1)");
      }
      int length = der[at + 1] & 0xff;
      int start = at + 2;
      if (length > 0x80 && length <= 0x83) {
        int bytes = length - 0x80;
        if (start + bytes > der.length) {
          throw new BadKeyException("not a well-formed EC private key (SEC1)");
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (der[start + i] & 0xff);
        }
        start += bytes;
      } else if (length >= 0x80) {
        throw new BadKeyException("not a well-formed EC private key (SEC1)");
      }
      if (start + length > der.length) {
        throw new BadKeyException("not a well-formed EC private key (SEC1)");
      }
      return new Der(der[at] & 0xff, start, start + length);
    }
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    return tagged(0x30, content.toByteArray());
  }

  /** A DER element: tag, definite length, content. */
  private static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
