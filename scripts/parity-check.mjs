#!/usr/bin/env node
// The parity ratchet: every test of the outside suite passes except those on the stale list.
// usage: node parity-check.mjs results.json parity-stale.txt
// results.json is vitest's JSON report (run.sh's OUTDIR/results.json). Each stale-list line is
// `<file> :: <full test name> :: <evidence>`; `#` starts a comment. Exits 1 when a test off the list
// fails (or did not run); stale tests that now pass are reported so the list can shrink.
import { readFileSync } from 'node:fs'

const [resultsFile, staleFile] = process.argv.slice(2)
if (!resultsFile || !staleFile) {
  console.error('usage: parity-check.mjs results.json parity-stale.txt')
  process.exit(2)
}
const stale = new Map()
for (const line of readFileSync(staleFile, 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue
  const [file, name, evidence] = line.split(' :: ')
  if (!file || !name || !evidence) {
    console.error(`malformed stale-list line (want file :: name :: evidence): ${line}`)
    process.exit(2)
  }
  stale.set(`${file} :: ${name}`, evidence)
}
const results = JSON.parse(readFileSync(resultsFile, 'utf8'))
const seen = new Set()
const failing = []
const nowPassing = []
for (const file of results.testResults ?? []) {
  const rel = file.name.replace(/^.*?\/tests\//, 'tests/')
  const assertions = file.assertionResults ?? []
  if (assertions.length === 0 && file.status === 'failed') failing.push(`${rel} (file failed to run)`)
  for (const a of assertions) {
    const id = `${rel} :: ${a.fullName ?? a.title}`
    seen.add(id)
    if (a.status === 'passed') {
      if (stale.has(id)) nowPassing.push(id)
    } else if (!stale.has(id)) {
      failing.push(`${id} (${a.status})`)
    }
  }
}
const missing = [...stale.keys()].filter(id => !seen.has(id))
for (const id of nowPassing) console.log(`stale-listed but passing (remove it from the list?): ${id}`)
for (const id of missing) console.log(`stale-listed but not in the suite: ${id}`)
for (const id of failing) console.log(`FAILING, not stale-listed: ${id}`)
console.log(`PARITY RATCHET: ${failing.length} failing off the stale list, ${stale.size} stale-listed`)
process.exit(failing.length === 0 && missing.length === 0 ? 0 : 1)
