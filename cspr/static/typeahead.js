// Type-ahead for long drop-down lists (a managed list such as agencies). Without JavaScript
// the plain select works; with it, a box above the list narrows it as you type, and the
// "not in the list" name box shows only when that choice is made.

function enhance (select) {
  const box = document.createElement('input')
  box.type = 'text'
  box.className = 'govuk-input govuk-!-width-two-thirds govuk-!-margin-bottom-2'
  box.id = `${select.id}-filter`
  box.setAttribute('autocomplete', 'off')
  box.setAttribute('aria-controls', select.id)
  const label = document.createElement('label')
  label.className = 'govuk-label'
  label.htmlFor = box.id
  label.textContent = 'Type to narrow the list'
  const options = [...select.options]
  box.addEventListener('input', () => {
    const typed = box.value.trim().toLowerCase()
    const matching = options.filter((option) => {
      const keep = !option.value || option.value === '__other__' || option.text.toLowerCase().includes(typed)
      option.hidden = !keep
      return keep && option.value && option.value !== '__other__'
    })
    if (matching.length === 1) select.value = matching[0].value
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
  select.before(label, box)
}

function toggleOther (block) {
  const select = document.getElementById(block.dataset.otherFor)
  if (!select) return
  const refresh = () => { block.hidden = select.value !== '__other__' }
  select.addEventListener('change', refresh)
  refresh()
}

document.querySelectorAll('select[data-cspr-typeahead]').forEach(enhance)
document.querySelectorAll('.cspr-other[data-other-for]').forEach(toggleOther)
