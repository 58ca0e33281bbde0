// Encodes fixtures/lm's held-out text and edge cases with the real Hugging Face tokenizers library (Rust, through
// its official Node binding, npm `tokenizers` 0.23.2) from each fixture's tokenizer.json, and compares the ids
// with the ones fixtures/lm/make_lm_fixtures.py stored in the manifest (its Python re-implementation of ByteLevel +
// BPE). Writes fixtures/lm/hf-tokenizers-check.json. Setup: npm i -E tokenizers@0.23.2 in TOK_DIR (default ./.node).
//   node peers/hf-tokenizers/check_tokenizers.js
const fs = require('fs');
const path = require('path');
const dir = process.env.TOK_DIR || path.join(__dirname, '.node');
const {Tokenizer} = require(path.join(dir, 'node_modules', 'tokenizers'));
const version = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'tokenizers', 'package.json'))).version;
(async () => {
  const root = path.join(__dirname, '..', '..');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'fixtures/lm/manifest.json'), 'utf8'));
  const heldout = fs.readFileSync(path.join(root, 'fixtures/lm/heldout.txt'), 'utf8');
  const out = {provenance: {peer: 'tokenizers (npm, HF tokenizers Rust binding) ' + version, node: process.version,
    date: new Date().toISOString(), command: 'node peers/hf-tokenizers/check_tokenizers.js'}, models: {}};
  let ok = true;
  for (const [name, m] of Object.entries(manifest.models)) {
    const tok = Tokenizer.fromFile(path.join(root, m.folder, 'tokenizer.json'));
    const same = async (text, ids) => {
      const got = (await tok.encode(text, null, {addSpecialTokens: true})).getIds();
      return got.length === ids.length && got.every((t, i) => t === ids[i]);
    };
    const r = {heldout_ids_agree: await same(heldout, m.heldout_ids), cases: []};
    for (const c of m.tokenization) r.cases.push({text: c.text, agree: await same(c.text, c.ids)});
    for (const s of m.sequences) r.cases.push({text: s.text.slice(0, 40), agree: await same(s.text, s.ids)});
    ok = ok && r.heldout_ids_agree && r.cases.every(c => c.agree);
    out.models[name] = r;
  }
  out.all_agree = ok;
  fs.writeFileSync(path.join(root, 'fixtures/lm/hf-tokenizers-check.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('all agree:', ok);
})();
