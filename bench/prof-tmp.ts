import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

const url = process.argv[2]!
const base = JSON.parse(readFileSync('bench/schemas/bench-event.avsc', 'utf8'))
let n = 0
const r = await autocannon({
  url,
  connections: 10,
  duration: Number(process.argv[3] ?? 6),
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const i = n++
        return {
          ...req,
          path: `/subjects/p-${i}-value/versions`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ schema: JSON.stringify({ ...base, name: `P${i}` }) }),
        }
      },
    },
  ],
})
console.log('register new', Math.round(r.requests.average), r.non2xx)
