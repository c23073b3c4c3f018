package io.duplex.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads PEM files (RFC 7468): certificate chains ({@code BEGIN CERTIFICATE}, leaf first) and
 * unencrypted private keys, either PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, EdDSA) or PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}). Encrypted and SEC1 ({@code BEGIN EC PRIVATE KEY}) keys are
 * refused with the {@code openssl} command that converts them.
 *
 * <p>Threading: stateless.
 */
public final class PemReader {
    private static final String CONVERT_HINT =
            "; convert it to unencrypted PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem";

    private PemReader() {}

    /** Every certificate in the file, in file order (a chain: leaf first). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<byte[]> blocks = blocks(read(file), "CERTIFICATE");
        if (blocks.isEmpty()) {
            throw new IOException("no BEGIN CERTIFICATE block in " + file);
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>(blocks.size());
            for (byte[] der : blocks) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            return List.copyOf(chain);
        } catch (CertificateException e) {
            throw new IOException("bad certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The one private key in the file.
     *
     * @param algorithm the key algorithm to try first (the certificate's, e.g. {@code "EC"}), or null
     */
    public static PrivateKey privateKey(Path file, String algorithm) throws IOException {
        String text = read(file);
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IOException("encrypted private key in " + file + " is not supported" + CONVERT_HINT);
        }
        if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new IOException("SEC1 EC private key in " + file + " is not supported" + CONVERT_HINT);
        }
        List<byte[]> pkcs8 = blocks(text, "PRIVATE KEY");
        List<byte[]> pkcs1 = blocks(text, "RSA PRIVATE KEY");
        if (pkcs8.size() + pkcs1.size() != 1) {
            throw new IOException("expected exactly one BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY block in " + file
                    + ", found " + (pkcs8.size() + pkcs1.size()));
        }
        if (!pkcs1.isEmpty()) {
            return decode(rsaToPkcs8(pkcs1.get(0)), List.of("RSA"), file);
        }
        Set<String> algorithms = new LinkedHashSet<>();
        if (algorithm != null) {
            algorithms.add(algorithm);
        }
        algorithms.addAll(List.of("RSA", "EC", "EdDSA", "RSASSA-PSS"));
        return decode(pkcs8.get(0), List.copyOf(algorithms), file);
    }

    private static PrivateKey decode(byte[] pkcs8, List<String> algorithms, Path file) throws IOException {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // Not this algorithm (or not supported here); try the next one.
            }
        }
        throw new IOException("unreadable private key in " + file + " (tried " + algorithms + ")");
    }

    /** The base64 bodies of {@code -----BEGIN label-----} blocks, decoded, in order. */
    static List<byte[]> blocks(String text, String label) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        List<byte[]> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = text.indexOf(begin, from);
            if (start < 0) {
                return blocks;
            }
            int bodyStart = start + begin.length();
            int stop = text.indexOf(end, bodyStart);
            if (stop < 0) {
                throw new IOException("PEM block " + begin + " has no " + end);
            }
            try {
                blocks.add(Base64.getMimeDecoder().decode(text.substring(bodyStart, stop)));
            } catch (IllegalArgumentException e) {
                throw new IOException("bad base64 in PEM block " + begin, e);
            }
            from = stop + end.length();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    /**
     * Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (RFC 5208 §5): version 0, the
     * rsaEncryption algorithm identifier with NULL parameters, and the key as an OCTET STRING.
     */
    static byte[] rsaToPkcs8(byte[] pkcs1) {
        byte[] versionAndAlgorithm = {
            0x02,
            0x01,
            0x00, // INTEGER 0
            0x30,
            0x0d, // SEQUENCE, 13 bytes
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
            0x01, // rsaEncryption
            0x05,
            0x00 // NULL
        };
        ByteArrayOutputStream body = new ByteArrayOutputStream(pkcs1.length + 32);
        body.writeBytes(versionAndAlgorithm);
        body.write(0x04); // OCTET STRING
        writeDerLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream(body.size() + 4);
        info.write(0x30); // SEQUENCE
        writeDerLength(info, body.size());
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    private static void writeDerLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write(length >>> shift);
        }
    }
}
