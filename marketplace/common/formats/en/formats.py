DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i a"
SHORT_DATE_FORMAT = "Y-m-d"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
# A message's time in the chat ("Mar 3, 2:05 PM"): messaging_tags.chat_time, and static/js/chat.js
# for live messages, which knows the characters listed in messaging_tags.
CHAT_TIME_FORMAT = "M j, g:i A"
