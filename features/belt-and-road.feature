Feature: Leave or stay out of the Belt and Road Initiative
  Demand: belt-and-road. The US asks partners to choose it over China. Asked in April 2025 about
  Panama deciding not to renew its role in the Belt and Road Initiative, the President told Fox
  Noticias he would consider making countries choose between the US and China
  (seeds/003_7059ddfbe9cbfd44.txt); Panama had given 90 days' notice to leave in February 2025
  (anews). The test, having left or never joined, follows that report; failing a partner whose
  status is unclear, such as Viet Nam's 2017 memorandum linking its own plans to the BRI, is this
  model's reading. Real statuses: Panama exited (anews; seed 003), Viet Nam unclear (VnExpress),
  Malaysia a memorandum tied to the East Coast Rail Link (Devdiscourse). Not found for Mexico,
  Canada, Japan, South Korea, India and the UK; Cambodia's and Australia's are illustrative.

  Scenario: Panama left the Belt and Road Initiative in 2025 and meets the rule
    Given the shipped policy
    When partner "PAN" is evaluated
    Then rule "bri-not-a-member" is satisfied
    And rule "bri-not-a-member" observed bri_status = exited
    And the message of rule "bri-not-a-member" is "Belt and Road status is exited, one of exited, none as required"

  Scenario: Viet Nam's 2017 memorandum leaves its status unclear, which does not count as a choice
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "bri-not-a-member" is violated
    And the message of rule "bri-not-a-member" is "Belt and Road status is unclear; required: one of exited, none"

  Scenario: Malaysia's memorandum for the East Coast Rail Link makes it a member
    Given the shipped policy
    When partner "MYS" is evaluated
    Then rule "bri-not-a-member" is violated
    And the message of rule "bri-not-a-member" is "Belt and Road status is mou_signed; required: one of exited, none"

  Scenario: Australia, never having joined in its profile, meets the rule
    # Australia's status is illustrative.
    Given the shipped policy
    When partner "AUS" is evaluated
    Then rule "bri-not-a-member" is satisfied

  Scenario Outline: No Belt and Road status was found for these partners, so the rule cannot be judged
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "bri-not-a-member" is unknown
    And the message of rule "bri-not-a-member" is "cannot judge: Belt and Road status not known for <partner>"

    Examples:
      | partner |
      | MEX     |
      | CAN     |
      | JPN     |
      | KOR     |
      | IND     |
      | GBR     |

  Scenario Outline: What would change: each Belt and Road status Malaysia could have
    Given the shipped policy
    And the partner "MYS" with "bri_status" set to <status>
    When it is evaluated
    Then rule "bri-not-a-member" is <verdict>

    Examples:
      | status     | verdict   |
      | exited     | satisfied |
      | none       | satisfied |
      | mou_signed | violated  |
      | unclear    | violated  |

  Scenario: Without its status, Panama's exit is no longer on record and the rule cannot be judged
    Given the shipped policy
    And the partner "PAN" without "bri_status"
    When it is evaluated
    Then rule "bri-not-a-member" is unknown
