"""How callers say who is affected: one person or device, a team or a site, or everyone."""

# --- who is affected ---------------------------------------------------------------------------
SCALE_ALL = [
    "everyone", "everybody", "nobody can", "nobody is able", "nobody's able", "none of us",
    "none of the", "none of our", "all of us", "all staff", "all users", "all our",
    "all the", "all of the", "all of our", "all three", "all four", "all five", "all sites",
    "all locations", "all computers", "any of the", "any of our", "any computer", "every computer",
    "every user", "every screen", "every", "whole office", "entire office", "whole company",
    "entire company", "whole team", "whole building", "entire building", "whole clinic",
    "whole floor", "whole site", "entire site", "whole practice", "whole store", "whole hotel",
    "whole warehouse", "company wide", "company-wide", "site wide", "site-wide", "office wide",
    "both offices", "both sites", "multiple users", "several people", "lots of people",
    "many people", "half the", "half of", "the floor", "everything", "everywhere",
    "anyone", "anybody", "all guests", "all rooms", "any of us", "not just me", "not only me",
    "not just mine", "all of them", "all of it", "all clinics", "all offices", "all stores",
    "all the clinics", "every clinic", "every office", "every store", "every room", "both",
    "either office", "everything's", "everything's down",
    "either site", "either clinic", "either location", "all say",
    "all show", "all showing", "all saying", "all have", "all went", "all stopped",
    "are all", "were all", "all down", "all offline", "all dead", "all out", "they're all",
]

# Scale words that say nothing about people ("all day", "the whole server").
NOT_PEOPLE = ["all day", "all night", "all the time", "all evening", "all morning", "all week",
              "wake anyone", "wake anybody", "bother anyone", "disturb anyone", "need anyone",
              "call anyone", "tell anyone", "does anyone", "is anyone", "if anyone",
              "anyone else", "think anyone", "anyone's working"]

# "All" said of people: everyone in the business is stopped (not "the whole server").
PEOPLE_SCALE = {"everyone", "everybody", "anyone", "anybody", "us", "staff", "users", "people",
                "guests", "rooms", "employees", "patients", "customers", "clients", "team",
                "office", "building", "site", "clinic", "store", "shop", "hotel", "warehouse",
                "floor", "company", "practice", "shift", "crew", "department", "offices",
                "sites", "clinics", "stores", "shops", "locations", "drivers", "nurses",
                "doctors", "workers", "residents", "branch", "hospital", "plant", "firm"}
PEOPLE_PHRASES = {"nobody can", "nobody is able", "nobody's able", "not just me", "not only me",
                  "not just mine"}
# "no computer in the office connects": a thing of many, none of which works.
THINGS = {"computer", "computers", "pc", "pcs", "phone", "phones", "screen", "screens", "till",
          "tills", "scanner", "scanners", "machine", "machines", "terminal", "terminals",
          "printer", "printers", "device", "devices", "laptop", "laptops", "door", "doors",
          "card", "cards", "key", "keys", "user", "users", "guest", "guests", "register",
          "registers", "reader", "readers", "handheld", "handhelds"}
# "the whole office server": the scale of a system, not of the people using it.
SYSTEM_NOUNS = {"server", "servers", "system", "network", "internet", "wifi", "computer",
                "computers", "printer", "database", "share", "drive"}

SCALE_ONE = [
    "just me", "only me", "just my", "only my", "for me", "my computer", "my laptop", "my pc",
    "my desktop", "my mouse", "my keyboard", "my monitor", "my second monitor", "my screen",
    "my printer", "my headset", "my phone", "my account", "my password", "my email", "my vpn",
    "my outlook", "my excel", "from my computer", "on my computer", "one computer", "one laptop",
    "one printer", "one pc", "one user", "one person", "a single", "one of the", "one folder",
    "a folder", "one file", "a file", "a spreadsheet", "one spreadsheet", "just one", "only one",
    "just the one", "just that one", "just this one", "the tablet", "my desk", "one machine",
    "one station", "one workstation", "one terminal", "one register", "one room", "one device",
    "everyone else can", "everybody else can", "other people can", "others can", "others are fine",
    "others are ok", "the other ones are fine", "the others are ok", "my coworker is",
    "coworkers can", "everything else works", "everything else is fine", "rest is fine",
    "rest are fine", "her email", "his email", "her account", "his account", "her computer",
    "his computer", "her laptop", "his laptop", "her password", "his password", "her phone",
    "his phone", "just her", "just him", "only her", "only him", "everyone else is",
    "everybody else is", "nobody else", "only mine", "just mine", "only this one", "a guest",
    "one guest", "a customer", "one customer", "a patient", "a client", "her room", "his room",
    "their room", "one room",
    "everything else", "everyone else", "everybody else", "from home", "working from home",
    "my home", "home laptop", "home computer", "myself",
    "at home",
]

# Of SCALE_ONE, the phrases that restrict ("just me"), not merely possess ("my computer").
ONE_STRONG = [p for p in SCALE_ONE if not p.startswith(("my ", "from my", "on my", "the tablet"))]

# Things one person uses: with no other word of scale, an outage of one is one user's.
DEVICES = ["printer", "label printer", "monitor", "mouse", "keyboard", "headset", "webcam",
           "tablet", "laptop", "screen", "desk phone", "speaker", "microphone", "handheld",
           "docking station", "charger", "scanner", "ipad", "phone", "computer", "pc"]

# More than one person, less than the business: a team, a room, one site of several.
# A department or shift: more than one person, unless "my laptop in HR" says it is one.
SCALE_DEPT = ["team", "department", "in finance", "in hr", "in billing", "billing team",
              "finance team", "in accounting", "in sales", "front desk staff", "in accounts"]

SCALE_GROUP = [
    "a few people", "a few of us", "a few users", "a couple of people", "a couple of us",
    "some of us", "a couple users", "a few computers", "some computers", "two people",
    "three people", "a couple", "couple of", "some of", "some people", "two of us",
    "three of us", "four of us", "the two", "the three", "few people", "few of us", "one site",
    "one office", "one clinic", "one branch", "one store", "one location", "one building",
    "one floor", "only at", "just at", "just the", "only the", "just that", "only that",
    "the other clinics", "the other offices", "the other sites", "the other stores",
    "the other locations", "the other branches", "other sites are", "other clinics are",
    "other offices are", "other locations are", "other stores are", "this site", "this clinic",
    "this office", "this location", "that dock", "one dock", "upstairs", "downstairs",
]

PEOPLE = {"people", "users", "staff", "employees", "of", "us", "computers", "pcs", "machines",
          "stations", "workstations", "guests", "rooms", "terminals", "workers", "nurses",
          "agents", "drivers", "patients", "customers", "desks", "phones", "registers",
          "tills", "scanners", "laptops", "devices", "techs", "doctors", "folks", "guys"}

# "the whole night shift", "the entire second floor": everyone in it.
WHOLE_OF = {"hospital", "clinic", "practice", "building", "place", "lab", "team", "shift", "department", "floor", "office", "building", "site", "staff",
            "company",
            "clinic", "store", "hotel", "warehouse", "plant", "practice", "firm", "school", "wing",
            "crew", "group", "branch"}

# "None of us can…" is people stopped; "none of the computers work" is an outage to size up.
PEOPLE_WORDS = {"us", "staff", "people", "users", "employees", "guests", "patients", "customers",
                "team", "nurses", "doctors", "drivers", "workers", "clients", "residents",
                "students", "agents", "shift", "crew"}

