"""A fictional corpus for the redaction benchmark: short case texts with their identifiers labelled.

Every person, place, number and address here is invented (phone numbers are from Ofcom's drama
ranges, emails use example domains, postcodes are shaped like real ones). "held" is what the
case's forms would hold; "labels" is everything that identifies someone and must be found.
The texts are full of capitalised words that are not names: agencies, months, headings.
"""

from __future__ import annotations

from typing import Any

SAFE = ["Child A", "Child B", "Mother", "Father", "Referrer",
        "Exampleshire Safeguarding Children Partnership"]

CORPUS: list[dict[str, Any]] = [
    {"text": "Her mother's partner (Mark Sampleman) called an ambulance at 02:10 on Tuesday.",
     "labels": ["Mark Sampleman"], "held": []},
    {"text": "The neighbour, Mrs Olive Testwick, told Exampleshire Police she heard crying.",
     "labels": ["Mrs Olive Testwick"], "held": []},
    {"text": "Child A attended Riverside Primary School until March, when the family moved.",
     "labels": ["Riverside Primary School"], "held": ["Riverside Primary School"]},
    {"text": "The health visitor, Priya Fakename, saw Child A at home on 4 February 2025.",
     "labels": ["Priya Fakename"], "held": ["Priya Fakename"]},
    {"text": "Call the family on 01632 960 123 or write to 14 Acacia Avenue, Sometown AB1 2DE.",
     "labels": ["01632 960 123", "14 Acacia Avenue", "AB1 2DE"], "held": []},
    {"text": "The school emailed jo.testwick@example.org on 3 May about attendance.",
     "labels": ["jo.testwick@example.org"], "held": []},
    {"text": "Child B was born on 12 June 2019 at Exampleshire General Hospital.",
     "labels": ["12 June 2019"], "held": []},
    {"text": "NHS number 943 476 5919 was on the discharge letter; 123 456 7890 was the ward code.",
     "labels": ["943 476 5919"], "held": []},
    {"text": "PC Sam Hollis and DS Khan attended and spoke to Mother in the kitchen.",
     "labels": ["PC Sam Hollis", "DS Khan"], "held": []},
    {"text": "Following the strategy discussion, Gary went back to the flat alone.",
     "labels": ["Gary"], "held": []},
    {"text": "The Independent Chair, Children's Social Care and the Designated Nurse agreed the "
             "Terms of Reference in January.",
     "labels": [], "held": []},
    {"text": "Working Together to Safeguard Children 2023 sets out the Rapid Review process.",
     "labels": [], "held": []},
    {"text": "Dr Aisha Pretendwell at Hartley Road Surgery had not seen the baby since birth.",
     "labels": ["Dr Aisha Pretendwell", "Hartley Road Surgery"], "held": ["Hartley Road Surgery"]},
    {"text": "Hattie said she was worried. Hattie Example is the maternal grandmother.",
     "labels": ["Hattie", "Hattie Example"], "held": ["Hattie Example"]},
    {"text": "The Local Authority Designated Officer and the National Panel were told on Friday.",
     "labels": [], "held": []},
    {"text": "Mr Dean Fictional, the father's brother, looked after the children at weekends.",
     "labels": ["Mr Dean Fictional"], "held": []},
    {"text": "Sarah Louise Madeup is the aunt; she lives in Exampleshire with her two sons.",
     "labels": ["Sarah Louise Madeup"], "held": []},
    {"text": "The family's address was Flat 3, 27 Mill Lane, Othertown WX9 8ZT.",
     "labels": ["Flat 3, 27 Mill Lane", "WX9 8ZT"], "held": []},
    {"text": "Contact the lead reviewer at reviews@exampleshire.example or on 0113 496 0000.",
     "labels": ["reviews@exampleshire.example", "0113 496 0000"], "held": []},
    {"text": "Ofsted, the Youth Justice Service and Probation shared chronologies in April.",
     "labels": [], "held": []},
    {"text": "Date of birth: 01/02/2016. The child's legal status was Child in Need.",
     "labels": ["01/02/2016"], "held": []},
    {"text": "Jordan Notreal, the mother's former partner, had a history of domestic abuse.",
     "labels": ["Jordan Notreal"], "held": ["Jordan Notreal"]},
    {"text": "The Emergency Department at St Elsewhere Hospital referred the same day.",
     "labels": [], "held": []},
    {"text": "Ms Testwick said the boy had bruises. Child A's teacher, Miss Ellie Inventa, "
             "agreed.",
     "labels": ["Ms Testwick", "Miss Ellie Inventa"], "held": []},
    {"text": "The Rapid Review met on Wednesday 8 October; Health, Police and the Council "
             "attended.",
     "labels": [], "held": []},
    {"text": "Key Learning: Information Sharing between the GP and Early Help was slow.",
     "labels": [], "held": []},
    {"text": "The grandfather, Brian Sampleton, phoned 07700 900 456 from the car park.",
     "labels": ["Brian Sampleton", "07700 900 456"], "held": []},
    {"text": "His NHS number is 9434765870 and his GP is at Oak Tree Medical Centre.",
     "labels": ["9434765870", "Oak Tree Medical Centre"], "held": ["Oak Tree Medical Centre"]},
    {"text": "DC Priyanka Madeup interviewed Father at Exampleshire Police headquarters.",
     "labels": ["DC Priyanka Madeup"], "held": []},
    {"text": "After Christmas, the family moved to 5 Rosewood Close near the Community Centre.",
     "labels": ["5 Rosewood Close"], "held": []},
    {"text": "Yours sincerely, Independent Chair, Exampleshire Safeguarding Children Partnership.",
     "labels": [], "held": []},
    {"text": "Toby Pretendson, the lodger, was known to Adult Social Care and the Housing Team.",
     "labels": ["Toby Pretendson"], "held": []},
    {"text": "Summary of Findings: the Designated Doctor and Named Nurse reviewed records in June.",
     "labels": [], "held": []},
    {"text": "Referrer spoke to Nina Falsename at Northgate Academy, which Child B attends.",
     "labels": ["Nina Falsename", "Northgate Academy"], "held": ["Northgate Academy"]},
]
