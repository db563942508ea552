# Quebec French: "25 novembre 2026", "1 234,50" (narrow no-break space).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H \\h i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H \\h i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
# A message's time in the chat ("3 mars, 14 h 05"): messaging_tags.chat_time, and static/js/chat.js
# for live messages, which knows the characters listed in messaging_tags.
CHAT_TIME_FORMAT = "j N, G \\h i"
