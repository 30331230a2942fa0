import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  checkpointText, ed25519FromSeed, noteSigner, openNote, parseCheckpointText, parseVerifierKey, signNote, verifierKey,
} from "../src/audit/signed-note";

// The example key and note of the reference implementation (golang.org/x/mod/sumdb/note).
const VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const SKEY_SEED = Buffer.from("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "base64").subarray(1);
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe("C2SP signed notes", () => {
  const signer = noteSigner("PeterNeumann", ed25519FromSeed(SKEY_SEED));

  test("key id, verifier key and signature match the reference byte for byte", () => {
    expect(signer.keyId.toString("hex")).toBe("c74f20a3");
    expect(verifierKey(signer)).toBe(VKEY);
    expect(signNote(TEXT, signer)).toBe(NOTE);
  });

  test("the reference note opens with its verifier key", () => {
    expect(openNote(NOTE, parseVerifierKey(VKEY))).toBe(TEXT);
  });

  test("an edited text, a foreign key or a mangled signature line does not open", () => {
    const verifier = parseVerifierKey(VKEY);
    expect(openNote(NOTE.replace("cryptography", "cryptographY"), verifier)).toBeNull();
    expect(openNote(NOTE.replace("x08go", "x08gp"), verifier)).toBeNull();
    expect(openNote(NOTE.replace("\u2014 ", "- "), verifier)).toBeNull();
    expect(openNote(NOTE.slice(0, -1), verifier)).toBeNull();
    expect(openNote(TEXT, verifier)).toBeNull();
    const stranger = noteSigner("PeterNeumann", generateKeyPairSync("ed25519").privateKey);
    expect(openNote(signNote(TEXT, stranger), verifier)).toBeNull();
  });

  test("malformed verifier keys are refused", () => {
    expect(() => parseVerifierKey(VKEY.replace("c74f20a3", "c74f20a4"))).toThrow();
    expect(() => parseVerifierKey(VKEY.slice(0, -1))).toThrow();
    expect(() => parseVerifierKey(`Peter Neumann${VKEY.slice("PeterNeumann".length)}`)).toThrow();
    expect(() => parseVerifierKey(VKEY.replace("+ARpc", "+AhRpc"))).toThrow();
  });

  test("a note's text must end with a newline", () => {
    expect(() => signNote("no newline", signer)).toThrow();
  });
});

describe("C2SP checkpoints", () => {
  test("text round-trips and is exactly origin, size and base64 root", () => {
    const checkpoint = { origin: "example.com/dealer-gateway/audit", treeSize: 8, rootHash: Buffer.alloc(32, 7) };
    const text = checkpointText(checkpoint);
    expect(text).toBe(`example.com/dealer-gateway/audit\n8\n${Buffer.alloc(32, 7).toString("base64")}\n`);
    expect(parseCheckpointText(text)).toEqual(checkpoint);
  });

  test("sizes with leading zeros, negative sizes and short hashes are refused", () => {
    const root = Buffer.alloc(32).toString("base64");
    expect(parseCheckpointText(`o\n08\n${root}\n`)).toBeNull();
    expect(parseCheckpointText(`o\n-1\n${root}\n`)).toBeNull();
    expect(parseCheckpointText(`o\n8\n${Buffer.alloc(31).toString("base64")}\n`)).toBeNull();
  });
});
