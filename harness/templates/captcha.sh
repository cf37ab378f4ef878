#!/bin/sh
# ejabberd's captcha_cmd for the tests: it notes the answer ($1) where the
# tests read it, and prints a small PNG (a real one would draw $1).
printf '%s' "$1" > "{{ANSWER}}"
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAECAIAAAA8r+mnAAAAEklEQVR4nGP4z8CAFWEXJUsCAFpeH+EeQoQoAAAAAElFTkSuQmCC' | base64 -d
