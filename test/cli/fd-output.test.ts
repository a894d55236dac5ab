/**
 * FdOutput, the CLI's stdout written directly (src/cli/fd-output.ts): what it writes, and how it
 * behaves as Node's stream would when the descriptor refuses a write (EAGAIN: the rest goes to
 * the stream, in order) or the reader is gone (EPIPE: reported to the callback and as 'error').
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import { FdOutput, writesDirectly } from "../../src/cli/fd-output.js";
import { write } from "../../src/cli/output.js";

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: refused`), { code });
}

/** A stream standing in for process.stdout: what reached it, as text. */
function fakeStdout(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

describe("cli: stdout written directly (FdOutput)", () => {
  let dir = "";
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "numakit-fdout-")); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it("writes every byte to a file, in order, and calls back after the call returns", async () => {
    const file = join(dir, "out");
    const fd = openSync(file, "w");
    try {
      const out = new FdOutput(fd, () => { throw new Error("no stream needed"); });
      let called = false;
      const big = "x".repeat(1 << 20);
      expect(out.write("ä€\u{1F600}\n", () => { called = true; })).to.equal(true);
      expect(called).to.equal(false);
      await write(big, out);
      await write("end\n", out);
      expect(called).to.equal(true);
      expect(readFileSync(file, "utf8")).to.equal(`ä€\u{1F600}\n${big}end\n`);
    } finally {
      closeSync(fd);
    }
  });

  it("writes what a partial write left over", () => {
    const got: number[] = [];
    const out = new FdOutput(1, () => { throw new Error("no stream needed"); }, (_fd, bytes, offset, length) => {
      const n = Math.min(3, length);
      got.push(...bytes.subarray(offset, offset + n));
      return n;
    });
    out.write("abcdefgh");
    expect(Buffer.from(got).toString()).to.equal("abcdefgh");
  });

  it("EAGAIN: the rest of that write and every later one go to the stream, in order", async () => {
    const stdout = fakeStdout();
    let calls = 0;
    const out = new FdOutput(1, () => stdout.stream, (_fd, _bytes, _offset, length) => {
      calls++;
      if (calls === 1) return Math.min(2, length);
      throw errno("EAGAIN");
    });
    await write("abcdef", out);
    await write("ghi", out);
    await new Promise((r) => setImmediate(r));
    expect(calls).to.equal(2);
    expect(stdout.text()).to.equal("cdefghi");
  });

  it("EPIPE (the reader is gone): the callback and an 'error' listener hear it; write() then drops the rest quietly", async () => {
    let writes = 0;
    const out = new FdOutput(1, () => { throw new Error("no stream"); }, () => { writes++; throw errno("EPIPE"); });
    const heard: unknown[] = [];
    out.on("error", (e) => heard.push((e as { code?: string }).code));
    const cbErr = await new Promise<unknown>((resolve) => { out.write("a", resolve); });
    expect((cbErr as { code?: string }).code).to.equal("EPIPE");
    expect(heard).to.deep.equal(["EPIPE"]);
    // As with a stream, the error is known after the call: once it is, output.ts writes no more.
    await write("b", out);
    await new Promise((r) => setImmediate(r));
    await write("c", out);
    expect(writes).to.equal(2);
  });

  it("another error (ENOSPC) reaches the callback, after the call, as a stream's does; the call says false, as an errored Writable's", async () => {
    const out = new FdOutput(1, () => { throw new Error("no stream"); }, () => { throw errno("ENOSPC"); });
    let err: unknown;
    expect(out.write("a", (e) => { err = e; })).to.equal(false);
    expect(err).to.equal(undefined);
    await new Promise((r) => setImmediate(r));
    expect((err as { code?: string }).code).to.equal("ENOSPC");
  });

  it("writes directly to files and /dev/null; not to a descriptor that is not open", () => {
    const fd = openSync(join(dir, "f"), "w");
    const nul = openSync("/dev/null", "w");
    try {
      expect(writesDirectly(fd)).to.equal(true);
      expect(writesDirectly(nul)).to.equal(true);
    } finally {
      closeSync(fd);
      closeSync(nul);
    }
    expect(writesDirectly(fd)).to.equal(false);
  });
});
