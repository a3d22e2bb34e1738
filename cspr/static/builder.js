// Drag and drop to reorder questions in the form builder. The Move up and Move down buttons
// do the same without JavaScript; this only saves clicks for people using a mouse.
const questions = document.querySelectorAll('.cspr-question[data-position-url]')
let dragged = null

function siblings (item) {
  return [...item.parentElement.children].filter(el => el.matches('.cspr-question'))
}

function moveTo (item, position) {
  const body = new FormData()
  body.append('csrf_token', document.querySelector('input[name="csrf_token"]').value)
  body.append('revision', item.dataset.revision)
  body.append('position', String(position))
  // Not following the redirect leaves the success message for the reloaded page to show.
  fetch(item.dataset.positionUrl, { method: 'POST', body, credentials: 'same-origin', redirect: 'manual' })
    .then(() => { window.location.hash = item.id; window.location.reload() })
}

questions.forEach(item => {
  item.setAttribute('draggable', 'true')
  item.classList.add('cspr-question--draggable')
  item.addEventListener('dragstart', event => {
    dragged = item
    event.dataTransfer.effectAllowed = 'move'
    event.dataTransfer.setData('text/plain', item.id)
  })
  item.addEventListener('dragover', event => {
    if (dragged && dragged !== item && dragged.parentElement === item.parentElement) {
      event.preventDefault()
    }
  })
  item.addEventListener('drop', event => {
    event.preventDefault()
    if (!dragged || dragged.parentElement !== item.parentElement) return
    moveTo(dragged, siblings(item).indexOf(item))
    dragged = null
  })
})
