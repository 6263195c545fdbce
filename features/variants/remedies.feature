Feature: Remedies: the cheapest changes of a partner's own figures that reach the next tier
  For every partner below the best tier, evaluate lists the cheapest set of figure changes that
  lifts it to the next tier up, and says honestly when there is none. A number moves only as far
  as its rule's limit; a yes/no or a category changes by one step. A change costs, by the
  shipped policy's measure (`remedies:` in the policy), |new - old| / max(|old|, |new|) for a
  number (cutting a share from 25% to 20% costs 0.2) and 1 for a yes/no or category step. A
  change that fixes several rules is paid once. Every remedy shown has been checked by
  evaluating the changed profile with the engine; the targets are hypothetical figures, not
  data, and a remedy never fills in a figure the profile lacks. The shipped policy marks the
  US's own findings (the EO 14326 listing, Commerce circumvention findings, CBP's duty-evasion
  cases and the duties owed in them) as not the partner's to change.

  Scenario: Viet Nam reaches watch with two cuts, one of which fixes three rules
    Given the shipped policy
    When partner "VNM" is evaluated
    Then its tier is "non-aligned"
    And its remedy reaches tier "watch"
    And its remedy has 2 changes
    And its remedy changes "china_import_share" from 0.365 to 0.2
    And its remedy changes "chinese_greenfield_count" from 39 to 20
    And its remedy costs 0.9392
    And its remedy fixes rule "inputs-china-import-share"
    And its remedy fixes rule "factories-greenfield-pace"
    And its remedy fixes rule "factories-tariff-jumping"
    And with its remedy its score is 40.5

  Scenario: Mexico is one point of Chinese import share away from watch
    Given the shipped policy
    When partner "MEX" is evaluated
    Then its score is 33.3
    And its remedy reaches tier "watch"
    And its remedy changes "china_import_share" from 0.21 to 0.2
    And its remedy costs 0.0476
    And with its remedy its score is 41

  Scenario: Canada's cheapest remedy undoes its China deal, which lifts the cap two tiers at once
    Given the shipped policy
    When partner "CAN" is evaluated
    Then its tier is "non-aligned"
    And its remedy reaches tier "watch"
    And its remedy changes "china_deal_count" from 1 to 0
    And its remedy costs 1
    And with its remedy its tier is "aligned"
    And with its remedy its score is 91.9

  Scenario: For a ratio either side may move at the same cost: India's remedy raises its exports to the US to its imports from China
    # Exports 86 -> 113.5 cost 27.5 / 113.5 = 0.2423, exactly what cutting imports from China
    # 113.5 -> 86 would cost (the measure divides by the larger of old and new): a tie, which
    # the planner settles by the figures' names, not a cheaper side.
    Given the shipped policy
    When partner "IND" is evaluated
    Then its tier is "cooperating"
    And its remedy reaches tier "aligned"
    And its remedy changes "exports_to_us_usd_bn" from 86 to 113.5
    And its remedy changes "china_import_share_by_group.steel" from 0.3 to 0.25
    And its remedy fixes rule "inputs-china-vs-us-trade"
    And its remedy costs 0.409
    And with its remedy its score is 87.5

  Scenario: Cambodia has no remedy, because only the US can take it off the circumvention list
    Given the shipped policy
    When partner "KHM" is evaluated
    Then its tier is "watch"
    And its tier is not capped
    And it has no remedy because "transshipment-circumvention-list (caps at watch) must be fixed to reach cooperating"
    And it has no remedy because "the policy marks on_circumvention_list as not the partner's to change"

  Scenario: South Korea's remedy leaves the duty-evasion cases to the US
    Korea breaks the evasion rule only on duties owed in CBP's EAPA cases ($0.07 bn against a
    $0.04 bn limit). Those cases, and the duties CBP finds owed in them, are the US's findings,
    like a circumvention finding: Korea cannot write them down, so the remedy cuts China's
    share of its steel imports instead.
    Given the shipped policy
    When partner "KOR" is evaluated
    Then rule "transshipment-evasion-cases" is violated
    And its remedy reaches tier "aligned"
    And its remedy has 2 changes
    And its remedy changes "china_import_share_by_group.steel" from 0.45 to 0.25
    And its remedy changes "exports_to_us_usd_bn" from 127.79 to 140
    And with its remedy its score is 87.5

  Scenario: Thailand's remedy changes only a figure it has; its twenty unknown rules stay unknown
    Given the shipped policy
    When partner "THA" is evaluated
    Then its tier is "watch"
    And its remedy reaches tier "cooperating"
    And its remedy has 1 changes
    And its remedy changes "china_import_share" from 0.25 to 0.2
    And its remedy invents no figure
    And with its remedy its tier is "aligned"
    And with its remedy it has 20 unknown findings

  Scenario: Australia is already aligned: there is nothing to remedy
    Given the shipped policy
    When partner "AUS" is evaluated
    Then its tier is "aligned"
    And it needs no remedy
