/**
 * The memory- and core-aware scheduler (src/pool/budget.ts): declared peaks of running tasks never
 * sum above the budget, cores likewise, tasks start in submission order, and a task larger than
 * the whole budget is refused with a message naming it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Budget } from "../src/pool/budget.ts";

describe("memory budget", () => {
  test("running tasks never declare more memory or cores than the budget; everything finishes", async () => {
    const b = new Budget({ memoryMiB: 20_000, cores: 2 });
    let mem = 0;
    let cores = 0;
    let maxMem = 0;
    let maxCores = 0;
    const tasks = [
      ...Array.from({ length: 6 }, (_, i) => ({ name: `witness ${i}`, peakMiB: 2_400, cores: 1 })),
      { name: "proof A", peakMiB: 12_000, cores: 2 },
      ...Array.from({ length: 4 }, (_, i) => ({ name: `witness b${i}`, peakMiB: 2_400, cores: 1 })),
      { name: "proof B", peakMiB: 12_000, cores: 2 },
    ];
    const done: string[] = [];
    await Promise.all(
      tasks.map((t, i) =>
        b.run(t, async () => {
          mem += t.peakMiB;
          cores += t.cores;
          maxMem = Math.max(maxMem, mem);
          maxCores = Math.max(maxCores, cores);
          await sleep(5 + (i % 3) * 7);
          mem -= t.peakMiB;
          cores -= t.cores;
          done.push(t.name);
        }),
      ),
    );
    assert.equal(done.length, tasks.length);
    assert.ok(maxMem <= 20_000, `${maxMem} MiB at once`);
    assert.ok(maxCores <= 2);
    assert.equal(b.stats.maxMemoryMiB, maxMem);
    assert.equal(b.stats.started, tasks.length);
  });

  test("overcommitted cores: a one-core task runs beside a two-core one, two two-core tasks never together, memory never overcommitted", async () => {
    const b = new Budget({ memoryMiB: 10_000, cores: 2, overcommitCores: 1 });
    const running = new Set<string>();
    const together: string[][] = [];
    const run = (name: string, cores: number, peakMiB: number, ms: number) =>
      b.run({ name, peakMiB, cores }, async () => {
        running.add(name);
        together.push([...running].sort());
        await sleep(ms);
        running.delete(name);
      });
    await Promise.all([
      run("setup", 2, 2_500, 40),
      run("compile", 1, 4_000, 40),
      run("proof", 2, 4_500, 10),
      run("witness", 1, 2_400, 10),
    ]);
    // the compile started beside the setup; the proof waited for the setup (2 + 2 > 3 core units)
    assert.ok(together.some((t) => t.includes("setup") && t.includes("compile")));
    assert.ok(!together.some((t) => t.includes("setup") && t.includes("proof")));
    assert.equal(b.stats.maxCores, 3);
    assert.ok(b.stats.maxMemoryMiB <= 10_000);
    // without overcommit the compile waits for the setup
    const strict = new Budget({ memoryMiB: 10_000, cores: 2 });
    const order: string[] = [];
    await Promise.all([
      strict.run({ name: "setup", peakMiB: 2_500, cores: 2 }, async () => {
        order.push("setup start");
        await sleep(20);
        order.push("setup end");
      }),
      strict.run({ name: "compile", peakMiB: 4_000, cores: 1 }, async () => {
        order.push("compile start");
      }),
    ]);
    assert.deepEqual(order, ["setup start", "setup end", "compile start"]);
    assert.throws(() => new Budget({ overcommitCores: -1 }), /overcommitCores/);
  });

  test("priority: a queued task goes ahead of queued tasks of lower priority, in submission order among equals", async () => {
    const b = new Budget({ memoryMiB: 10_000, cores: 1 });
    const started: string[] = [];
    const run = (name: string, priority: number) =>
      b.run({ name, peakMiB: 100, priority }, async () => {
        started.push(name);
        await sleep(5);
      });
    await Promise.all([
      run("running", 0),
      run("witness 1", 0),
      run("witness 2", 0),
      run("setup", 1),
      run("compile A", 2),
      run("compile B", 2),
      run("witness 3", 0),
    ]);
    assert.deepEqual(started, [
      "running",
      "compile A",
      "compile B",
      "setup",
      "witness 1",
      "witness 2",
      "witness 3",
    ]);
  });

  test("tasks start in submission order: a big task is not overtaken by small ones behind it", async () => {
    const b = new Budget({ memoryMiB: 10_000, cores: 4 });
    const started: string[] = [];
    const run = (name: string, peakMiB: number, ms: number) =>
      b.run({ name, peakMiB }, async () => {
        started.push(name);
        await sleep(ms);
      });
    await Promise.all([run("small 1", 6_000, 30), run("big", 9_000, 5), run("small 2", 1_000, 5)]);
    assert.deepEqual(started, ["small 1", "big", "small 2"]);
  });

  test("a task that declares more than the whole budget is refused, naming it; bad options are refused", async () => {
    const b = new Budget({ memoryMiB: 1_000 });
    await assert.rejects(
      b.run({ name: "node proof", peakMiB: 1_001 }, async () => {}),
      /node proof declares 1001 MiB, more than the whole budget of 1000 MiB/,
    );
    assert.throws(() => new Budget({ memoryMiB: 0 }), /memoryMiB/);
    assert.throws(() => new Budget({ cores: 0 }), /cores/);
  });

  test("a failing task releases its claim", async () => {
    const b = new Budget({ memoryMiB: 1_000, cores: 1 });
    await assert.rejects(
      b.run({ name: "fails", peakMiB: 1_000 }, async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await b.run({ name: "next", peakMiB: 1_000 }, async () => 42), 42);
  });
});
