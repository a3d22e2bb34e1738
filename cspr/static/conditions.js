// Reveal questions as answers change, following the same condition rules as the server.
// Without JavaScript every such question is shown, and the server drops answers to hidden ones.

const form = document.querySelector('.cspr-page-form')
const earlier = JSON.parse(form?.dataset.answers || '{}')

function dateFrom (name) {
  const part = (p) => (form.elements[`${name}-${p}`]?.value || '').trim()
  const [d, m, y] = [part('day'), part('month'), part('year')]
  if (!d || !m || y.length !== 4) return null
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  return Number.isNaN(Date.parse(iso)) ? null : iso
}

function valueOf (name) {
  if (form.elements[`${name}-day`]) return dateFrom(name)
  const element = form.elements[name]
  if (!element) return earlier[name] ?? null
  const inputs = element instanceof RadioNodeList ? [...element] : [element]
  if (inputs[0]?.type === 'checkbox') {
    const ticked = inputs.filter((i) => i.checked).map((i) => i.value)
    const declaration = inputs.length === 1 && inputs[0].value === 'y'
    return declaration ? (ticked.length ? true : null) : ticked
  }
  if (inputs[0]?.type === 'radio') {
    const chosen = inputs.find((i) => i.checked)?.value ?? null
    // A yes/no question is stored as true or false, so compare it that way.
    return isYesNo(inputs) && chosen !== null ? chosen === 'yes' : chosen
  }
  const text = (element.value || '').trim()
  return text === '' ? null : text
}

function isYesNo (inputs) {
  return inputs.length === 2 && inputs[0].value === 'yes' && inputs[1].value === 'no'
}

const blank = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)
const today = () => new Date().toISOString().slice(0, 10)

function operand (value) {
  if (value === 'today') return today()
  if (value && typeof value === 'object' && 'field' in value) return valueOf(value.field)
  return value
}

function test (condition) {
  if (!condition || typeof condition !== 'object') return true
  if (condition.all) return condition.all.every(test)
  if (condition.any) return condition.any.some(test)
  if (condition.not) return !test(condition.not)
  const actual = valueOf(condition.field)
  const expected = condition.value
  switch (condition.op) {
    case 'answered': return !blank(actual)
    case 'not_answered': return blank(actual)
    case 'equals': return !blank(actual) && JSON.stringify(actual) === JSON.stringify(expected)
    case 'not_equals': return blank(actual) || JSON.stringify(actual) !== JSON.stringify(expected)
    case 'one_of': return !blank(actual) && expected.some((v) => JSON.stringify(v) === JSON.stringify(actual))
    case 'contains':
      if (Array.isArray(actual)) return actual.includes(expected)
      return typeof actual === 'string' && actual.toLowerCase().includes(String(expected).toLowerCase())
    case 'greater_than': return !blank(actual) && Number(actual) > Number(expected)
    case 'less_than': return !blank(actual) && Number(actual) < Number(expected)
    case 'before': { const other = operand(expected); return !blank(actual) && !blank(other) && actual < other }
    case 'after': { const other = operand(expected); return !blank(actual) && !blank(other) && actual > other }
    default: return true // an operator this copy does not know: show the question, the server decides
  }
}

function refresh () {
  for (const block of form.querySelectorAll('.cspr-conditional')) {
    block.hidden = !test(JSON.parse(block.dataset.showIf))
  }
}

if (form) {
  document.body.classList.add('cspr-conditions-live')
  form.addEventListener('input', refresh)
  form.addEventListener('change', refresh)
  refresh()
}
