// Start GOV.UK Frontend's components; pages work without this, it only adds enhancements.
import { initAll } from './govuk/govuk-frontend.min.js'

initAll()
