"""Hand-written messages the development set of thank-you detection is composed from.

Long on purpose (about 600 lines of data): every message here was written by hand for
``bench/thanks_devset.py``, in 20 languages, and a reader checks labels against it.
The detector never reads this module; only the development set is built from it.
"""

from __future__ import annotations

import random
import re
from typing import Any

# id: (handle, real name, display name)
PEOPLE = {
    "U01ANA7": ("ana", "Ana Souza", "Ana S."),
    "U01BOB2": ("bob.k", "Robert Kowalski", "bobk"),
    "U01CHE3": ("chen", "Chen Wei", "chenwei"),
    "U01DIA4": ("diana.r", "Diana Reyes", "Diana"),
    "U01EMI5": ("emi", "Emi Tanaka", "emi_t"),
    "U01FAT6": ("fatima", "Fatima Haddad", "Fatima H"),
    "U01GUS7": ("gus", "Gustavo Lima", "Gus"),
    "U01HAN8": ("hana.kim", "Hana Kim", "hana"),
    "U01IVA9": ("ivan", "Ivan Petrov", "ivanp"),
    "U01JON1": ("jonas", "Jonas Müller", "Jonas M"),
    "U01KEM2": ("kemal", "Kemal Yılmaz", "kemal.y"),
    "U01LEA3": ("lea", "Léa Martin", "Léa"),
    "U01MIR4": ("miriam", "Miriam Cohen", "mimi"),
    "U01NIS5": ("nisha", "Nisha Patel", "Nisha P."),
    "U01OLA6": ("ola", "Aleksandra Nowak", "Ola"),
    "U01PUT7": ("putri", "Putri Sari", "putri.s"),
    "U01QUA8": ("quang", "Nguyen Van Quang", "Quang"),
    "U01ROS9": ("rosa", "Rosa Bianchi", "rosab"),
    "U01SAM1": ("sam", "Samuel Okafor", "Sam O"),
    "U01TOM2": ("tomas", "Tomás García", "tomas.g"),
    "U01WAN3": ("wanjiru", "Wanjiru Kamau", "Wanjiru"),
    "U01YUL4": ("yulia", "Yulia Shevchenko", "yulia.s"),
}
OUTSIDERS = {"U01ZOE5": ("zoe", "Zoe Adams", "Zoe"), "U01XAV6": ("xavier", "Xavier Dupont", "Xav")}
BOTS = {"U0BOT11": "deploybot", "U0BOT22": "helpdesk-bot"}

# (question, answer, a second participant's different suggestion, the answer's command)
EN_QA = [
    (
        "After upgrading to 3.2 the worker dies on start with "
        "`ImportError: cannot import name 'Celery'`. Any idea?",
        "3.2 needs celery 5. Run `pip install -U 'celery>=5'` and restart the worker.",
        "Maybe try `rm -rf ~/.cache/pip` first? Had something like that last year.",
        "pip install -U 'celery>=5'",
    ),
    (
        "The LMS returns a 500 on /dashboard since this morning. Logs say `KeyError: 'FEATURES'`.",
        "You still have an old plugin patch. Remove it and run `tutor config save` then restart.",
        "Did you check the nginx logs? Could be the proxy.",
        "tutor config save",
    ),
    (
        "How do I make the export job run at night instead of every hour?",
        "Set `EXPORT_CRON=0 2 * * *` in your .env and redeploy.",
        "I think there's a setting in the admin panel somewhere, not sure where.",
        "EXPORT_CRON=0 2 * * *",
    ),
    (
        "Emails stopped going out after we switched to SES. No error in the logs.",
        "SES needs the region in the DSN: `ses+smtp://KEY:SECRET@default?region=eu-west-1`.",
        "Is the sender address verified in SES?",
        "ses+smtp://KEY:SECRET@default?region=eu-west-1",
    ),
    (
        "Docker build fails at `npm ci` with EACCES on /root/.npm. Anyone seen this?",
        "Add `USER node` before the npm step and `--chown=node` on the COPY.",
        "Try running the build with sudo?",
        "USER node",
    ),
    (
        "The search index is empty after the migration, even though the courses are there.",
        "Reindex with `./manage.py search_index --rebuild -f`, the migration does not do it.",
        "Could be Elasticsearch running out of disk, check `df -h`.",
        "./manage.py search_index --rebuild -f",
    ),
    (
        "Is there a way to disable the signup page but keep SSO login?",
        "Yes: `ALLOW_PUBLIC_ACCOUNT_CREATION: false` and keep `ENABLE_THIRD_PARTY_AUTH: true`.",
        "You could hide it with custom CSS, hacky though.",
        "ALLOW_PUBLIC_ACCOUNT_CREATION: false",
    ),
    (
        "Our CI started timing out on the integration tests this week.",
        "The runner image changed; pin `ubuntu-22.04` in the workflow and it goes back to normal.",
        "Maybe the tests got slower? Look at the durations report.",
        "ubuntu-22.04",
    ),
]

# lang: question, answer, thanks (with {h} for a mention), in advance, failure, sarcasm, not thanks
LANGS: dict[str, dict[str, Any]] = {
    "es": {
        "q": "¿Alguien sabe por qué el worker no arranca después de actualizar?",
        "a": "Tienes que borrar la caché y reiniciar con `make restart`.",
        "thanks": [
            "¡Gracias!",
            "muchas gracias, ya funciona",
            "mil gracias crack 🙌",
            "grax!!",
            "gracias {h}, era eso",
        ],
        "advance": ["¿Alguien me puede ayudar? Gracias de antemano"],
        "fail": ["gracias pero sigue sin funcionar"],
        "sarcasm": ["gracias por nada 🙄"],
        "non": ["¿qué versión usas?", "a mí me pasa lo mismo"],
    },
    "pt": {
        "q": "Alguém sabe por que o build quebra depois do upgrade?",
        "a": "Precisa rodar `npm ci` de novo e limpar o cache.",
        "thanks": [
            "Obrigado!",
            "valeu!!",
            "vlw mano, deu certo",
            "muito obrigada {h}, funcionou",
            "brigadão 🙏",
        ],
        "advance": ["alguém pode ajudar? desde já agradeço"],
        "fail": ["obrigado, mas não funcionou"],
        "sarcasm": ["valeu, ajudou muito 🙄"],
        "non": ["qual versão você usa?", "aqui também acontece"],
    },
    "fr": {
        "q": "Quelqu'un sait pourquoi la migration échoue ?",
        "a": "Il faut lancer `./manage.py migrate --fake-initial` d'abord.",
        "thanks": [
            "Merci !",
            "merci beaucoup, ça marche",
            "mercii",
            "trop bien, merci {h}",
            "je te remercie, c'est réglé",
        ],
        "advance": ["Une idée ? Merci d'avance"],
        "fail": ["merci mais ça ne marche toujours pas"],
        "sarcasm": ["merci pour rien 🙄"],
        "non": ["tu utilises quelle version ?", "pareil chez moi"],
    },
    "de": {
        "q": "Weiß jemand, warum der Container nach dem Update nicht startet?",
        "a": "Du musst das Volume löschen und `docker compose up -d` neu ausführen.",
        "thanks": [
            "Danke!",
            "vielen Dank, läuft jetzt",
            "danke dir {h}!",
            "dankeschön",
            "Danke schön, das war's",
        ],
        "advance": ["Hat jemand eine Idee? Danke im Voraus"],
        "fail": ["Danke, aber es geht immer noch nicht"],
        "sarcasm": ["danke für nichts 🙄"],
        "non": ["Welche Version nutzt du?", "Bei mir das gleiche Problem"],
    },
    "it": {
        "q": "Qualcuno sa perché il deploy fallisce?",
        "a": "Devi aggiornare la variabile `DATABASE_URL` e rilanciare.",
        "thanks": [
            "Grazie!",
            "grazie mille, funziona",
            "grazie infinite {h}",
            "grz",
            "ti ringrazio, risolto",
        ],
        "advance": ["qualcuno mi aiuta? grazie in anticipo"],
        "fail": ["grazie ma non funziona ancora"],
        "sarcasm": ["grazie per niente 🙄"],
        "non": ["che versione usi?", "anche a me succede"],
    },
    "nl": {
        "q": "Weet iemand waarom de tests falen na de upgrade?",
        "a": "Je moet `pip install -U pytest` draaien, de oude versie is stuk.",
        "thanks": [
            "Bedankt!",
            "dank je wel, het werkt",
            "dankjewel {h}",
            "super, bedankt",
            "dank u",
        ],
        "advance": ["iemand een idee? alvast bedankt"],
        "fail": ["bedankt, maar het werkt nog steeds niet"],
        "sarcasm": ["bedankt voor niks 🙄"],
        "non": ["welke versie gebruik je?", "bij mij hetzelfde probleem"],
    },
    "pl": {
        "q": "Ktoś wie, czemu serwer nie startuje po aktualizacji?",
        "a": "Musisz usunąć stary plik `.pid` i zrestartować usługę.",
        "thanks": [
            "Dzięki!",
            "dziękuję bardzo, działa",
            "dzieki wielkie {h}",
            "dzięks",
            "dziękówka, pomogło",
        ],
        "advance": ["ktoś pomoże? z góry dzięki"],
        "fail": ["dzięki, ale dalej nie działa"],
        "sarcasm": ["dzięki za nic 🙄"],
        "non": ["jakiej wersji używasz?", "u mnie to samo"],
    },
    "ru": {
        "q": "Кто-нибудь знает, почему падает сборка после обновления?",
        "a": "Надо удалить `node_modules` и поставить заново.",
        "thanks": ["Спасибо!", "спс, заработало", "спасибо большое {h}", "благодарю", "пасиб"],
        "advance": ["кто-нибудь подскажет? заранее спасибо"],
        "fail": ["спасибо, но всё ещё не работает"],
        "sarcasm": ["спасибо, кэп 🙄"],
        "non": ["какая у тебя версия?", "у меня та же проблема"],
    },
    "uk": {
        "q": "Хтось знає, чому не запускається сервіс після оновлення?",
        "a": "Треба очистити кеш і перезапустити `systemctl restart app`.",
        "thanks": [
            "Дякую!",
            "дуже дякую, запрацювало",
            "дякс {h}",
            "щиро дякую",
            "спасибі, допомогло",
        ],
        "advance": ["хтось підкаже? наперед дякую"],
        "fail": ["дякую, але досі не працює"],
        "sarcasm": ["дякую, кеп 🙄"],
        "non": ["яка у тебе версія?", "у мене та сама проблема"],
    },
    "tr": {
        "q": "Güncellemeden sonra uygulama neden açılmıyor, bilen var mı?",
        "a": "`config.yml` dosyasındaki portu değiştirmen lazım.",
        "thanks": [
            "Teşekkürler!",
            "çok teşekkür ederim, çalıştı",
            "sağ ol {h}",
            "eyvallah",
            "tşk abi",
        ],
        "advance": ["yardımcı olabilecek var mı? şimdiden teşekkürler"],
        "fail": ["teşekkürler ama hâlâ çalışmıyor"],
        "sarcasm": ["çok sağ ol, çok yardımcı oldun 🙄"],
        "non": ["hangi sürümü kullanıyorsun?", "bende de aynı sorun var"],
    },
    "ar": {
        "q": "هل يعرف أحد لماذا يفشل التثبيت بعد التحديث؟",
        "a": "يجب حذف المجلد `build` وإعادة التشغيل.",
        "thanks": ["شكرا!", "شكراً جزيلاً، اشتغل", "مشكور {h}", "تسلم", "يعطيك العافية، تم الحل"],
        "advance": ["هل من مساعدة؟ شكرا مقدما"],
        "fail": ["شكرا لكن ما زال لا يعمل"],
        "sarcasm": ["شكرا على لا شيء 🙄"],
        "non": ["ما هو الإصدار الذي تستخدمه؟", "عندي نفس المشكلة"],
    },
    "he": {
        "q": "מישהו יודע למה הבנייה נכשלת אחרי העדכון?",
        "a": "צריך למחוק את התיקייה `dist` ולהריץ שוב.",
        "thanks": ["תודה!", "תודה רבה, עובד", "תודה ענקית {h}", "אלוף, תודה", "תנקס"],
        "advance": ["מישהו יכול לעזור? תודה מראש"],
        "fail": ["תודה, אבל עדיין לא עובד"],
        "sarcasm": ["תודה על כלום 🙄"],
        "non": ["באיזו גרסה אתה משתמש?", "גם לי יש את אותה בעיה"],
    },
    "hi": {
        "q": "क्या किसी को पता है कि अपडेट के बाद सर्वर क्यों नहीं चल रहा?",
        "a": "आपको `cache` फ़ोल्डर हटाकर फिर से चलाना होगा।",
        "thanks": [
            "धन्यवाद!",
            "बहुत बहुत धन्यवाद, चल गया",
            "shukriya bhai {h}",
            "thanks yaar, ho gaya",
            "शुक्रिया",
        ],
        "advance": ["कोई मदद कर सकता है? अग्रिम धन्यवाद"],
        "fail": ["धन्यवाद, लेकिन अभी भी काम नहीं कर रहा"],
        "sarcasm": ["वाह, बहुत मदद की 🙄"],
        "non": ["aap kaunsa version use kar rahe ho?", "मेरे साथ भी यही समस्या है"],
    },
    "id": {
        "q": "Ada yang tahu kenapa build gagal setelah update?",
        "a": "Coba hapus folder `vendor` lalu jalankan `composer install` lagi.",
        "thanks": [
            "Terima kasih!",
            "makasih banyak, udah jalan",
            "thx gan {h}",
            "trims",
            "makasih ya, berhasil",
        ],
        "advance": ["ada yang bisa bantu? terima kasih sebelumnya"],
        "fail": ["makasih, tapi masih belum bisa"],
        "sarcasm": ["makasih lho, sangat membantu 🙄"],
        "non": ["pakai versi berapa?", "saya juga ada masalah yang sama"],
    },
    "vi": {
        "q": "Có ai biết tại sao build bị lỗi sau khi cập nhật không?",
        "a": "Bạn cần xóa thư mục `node_modules` rồi cài lại.",
        "thanks": [
            "Cảm ơn!",
            "cảm ơn bạn nhiều, chạy được rồi",
            "cám ơn anh {h}",
            "camon nha",
            "tks bạn",
        ],
        "advance": ["ai giúp mình với, cảm ơn trước nhé"],
        "fail": ["cảm ơn nhưng vẫn chưa được"],
        "sarcasm": ["cảm ơn nhiều, giúp ích lắm 🙄"],
        "non": ["bạn dùng phiên bản nào?", "mình cũng bị lỗi giống vậy"],
    },
    "zh": {
        "q": "有人知道升级后为什么构建失败吗？",
        "a": "需要删除 `node_modules` 然后重新安装。",
        "thanks": ["谢谢！", "多谢，搞定了", "感谢大佬 {h}", "谢啦", "非常感谢，可以了"],
        "advance": ["有人能帮忙吗？先谢谢了"],
        "fail": ["谢谢，但是还是不行"],
        "sarcasm": ["谢谢你哦，真有帮助 🙄"],
        "non": ["你用的是哪个版本？", "我也遇到同样的问题"],
    },
    "ja": {
        "q": "アップデート後にビルドが失敗する理由を知っている人いますか？",
        "a": "`node_modules` を削除して再インストールしてください。",
        "thanks": [
            "ありがとう！",
            "ありがとうございます、動きました",
            "助かりました！{h}",
            "サンキュー",
            "あざす",
        ],
        "advance": ["どなたか分かりますか？よろしくお願いします"],
        "fail": ["ありがとうございます、でもまだ動きません"],
        "sarcasm": ["はいはい、ありがとうございました 🙄"],
        "non": ["どのバージョンを使っていますか？", "私も同じ問題があります"],
    },
    "ko": {
        "q": "업데이트 후에 빌드가 실패하는 이유 아시는 분 있나요?",
        "a": "`node_modules`를 지우고 다시 설치하세요.",
        "thanks": [
            "감사합니다!",
            "고마워요, 해결됐어요",
            "ㄱㅅ",
            "감사해요 {h} 덕분에 됐어요",
            "고맙습니다",
        ],
        "advance": ["도와주실 분 있나요? 미리 감사드립니다"],
        "fail": ["감사합니다만 아직도 안 돼요"],
        "sarcasm": ["네 참 고맙네요 🙄"],
        "non": ["어떤 버전 쓰세요?", "저도 같은 문제가 있어요"],
    },
    "sw": {
        "q": "Kuna anayejua kwa nini build inashindwa baada ya kusasisha?",
        "a": "Futa folda ya `node_modules` kisha usakinishe tena.",
        "thanks": [
            "Asante!",
            "asante sana, imefanya kazi",
            "ahsante kaka {h}",
            "shukrani",
            "nashukuru sana",
        ],
        "advance": ["kuna anayeweza kusaidia? asante mapema"],
        "fail": ["asante, lakini bado haifanyi kazi"],
        "sarcasm": ["asante kwa kutosaidia 🙄"],
        "non": ["unatumia toleo gani?", "mimi pia nina tatizo hilo hilo"],
    },
}

PLAIN = [
    "thanks!",
    "Thank you so much!",
    "thanks a lot, that was it",
    "Many thanks 🙏",
    "awesome, thank you",
    "thank you, really appreciate it",
    "Perfect, thanks!",
    "ok thanks, makes sense now",
    "great, thanks for the quick answer",
    "thanks for the help!",
    "thanks for the explanation",
    "Thanks for the pointer!",
    "thanks, that clears it up",
    "thank you kindly",
    "brilliant, thanks",
    "Thanks, that's exactly it.",
    "thanks again!",
    "thank you!! that was driving me crazy",
    "cool, thanks",
    "Thanks, I owe you one",
    "ah, thanks! that's the bit I was missing",
    "thanks so much for taking the time",
    "Got it, thank you.",
    "thanks, appreciated",
    "nice one, thanks",
]
MENTION = [
    "thanks {h}!",
    "{h} thank you!",
    "ty {h}",
    "thank you {h}, that worked",
    "{h} you're a lifesaver",
    "Thanks {h} 🙏",
    "thanks a ton {h}",
    "{h} thanks, that was it",
    "much appreciated {h}",
    "thank you {h}!! all good now",
    "{h} 🙏 thanks",
    "cheers {h}",
    "thanks {h} for the fix",
    "kudos {h}, works",
    "thanks {h}, sorted",
    "{h} perfect, thank you",
    "big thanks to {h}",
    "thx {h}",
    "{h} thank u so much",
    "thanks {h}! cc {o}",
    "Thank you {h} :pray:",
    "{h} you rock, thanks",
    "thanks {h}, appreciate it",
    "thanks for the help {h}",
    "{h} ty ty",
]
SHORT = [
    "thx",
    "ty!",
    "tysm!!",
    "tyvm",
    "thnx",
    "thanx m8",
    "thank u",
    "tks",
    "thnaks!",
    "thansk",
    "thaks a lot",
    "thank yuo",
    "ta!",
    "tyty",
    "thx mate",
    "cheers!",
    "cheers mate",
    "thankss",
    "thankyouuu",
    "ty so much",
    "thks!",
    "thanks!!1",
    "thnak you",
    "tahnks",
    "thx a bunch",
]
FOLLOW_UP = [
    "thanks, that worked! one more question: how do I make it permanent?",
    "that fixed it, thanks! why was it off by default though?",
    "Thanks {h}, works now. Is there a way to do the same on staging?",
    "perfect, it works now 🙏 do you know if this is documented somewhere?",
    "thank you, that did the trick. Should I also change it in prod?",
    "worked like a charm, thanks! any idea why the docs don't mention it?",
    "thanks! that solved it. Do you know when 3.3 is out?",
    "That was it, thank you! While I have you, how do I enable debug logs?",
    "thx, all good now. is it safe to delete the old volume?",
    "thanks a lot, it's working now! can I do the same for the cms?",
    "Thanks, that fixed the 500. Now the logo is missing, is that related?",
    "ty, it worked! btw where did you find that?",
    "thanks {h}! works. how did you figure that out?",
    "that sorted it, thank you. Do I need to restart the scheduler too?",
    "Awesome, working now, thanks. Any chance this gets backported?",
    "thank you, problem solved! what does the flag actually do?",
    "thanks, that helped! how would I test it locally?",
    "great, it works, thanks! should I open a PR for the docs?",
]
CODE = [
    "thanks! `{c}` did it",
    "thanks, this was the fix:\n```{c}```",
    "Thanks {h}, `{c}` worked",
    "`{c}` fixed it, thank you!",
    "thanks, running `{c}` worked :tada:",
    "thank you! the <https://docs.example.org/upgrade|upgrade guide> had it too",
    "thanks {h}, that link <https://docs.example.org/faq#cache|FAQ> was exactly it",
    "Thanks! For anyone else: ```{c}``` then restart.",
    "ty, `{c}` sorted it",
    "thanks — `{c}` and a restart, all green now",
    "thanks, see <https://github.com/example/app/pull/12|#12> for my change",
    "thank you {h}! ```{c}``` works",
    "thx, `{c}` was the missing bit",
    "appreciate it, `{c}` did the trick",
    "thanks for <https://docs.example.org/x|the docs link>, works now",
]
IMPLICIT = [
    "you're a legend",
    "lifesaver!!",
    "omg that was it, been stuck on this all day",
    "that did the trick 🙌",
    "worked like a charm",
    "you saved my weekend",
    "perfect, exactly what I needed",
    "brilliant, works now",
    "yes!! that was it",
    "awesome, it's working now",
    "🙏🙏",
    "🙌",
    "oh wow, that was it. I owe you a beer",
    "bless you",
    "you're a star",
    "nailed it, works",
    "that's the one, all green now",
    "legend!",
    "it works!! 🎉",
    "you're the best",
]
ADVANCE = [
    "I'm on 3.1. Thanks in advance!",
    "any pointers appreciated, TIA",
    "thx in advance :pray:",
    "Still stuck on this, any help would be appreciated. Thanks!",
    "Thanks in advance for any ideas",
    "bumping this, would be grateful for any hint",
    "anyone? tia",
    "Thanks ahead of time!",
    "any help is appreciated, thanks",
    "thanks in advance, I'm really stuck",
]
QUESTION = [
    "thanks! how do I do that on docker though?",
    "Thanks for the reply. Could you explain what that flag means?",
    "thanks, but where do I find that file?",
    "Thank you. Do I need to restart after?",
    "thanks for answering, but which file exactly?",
    "thanks, and what about the cms?",
    "ok thanks. is there a way to do it without downtime?",
    "thank you! where is the .env though?",
    "thanks {h}, how do I check the version?",
    "thanks. can you paste the full command?",
    "thx. does that also apply to 3.0?",
    "Thanks! Would that break the existing users?",
    "thanks for the quick answer! what's the default value?",
    "ty, but how do I get into the container?",
    "thanks, and then do I run migrations?",
]
INCIDENTAL = [
    "the Thanks page in the docs is broken",
    "I added a 'thanks' field to the form but it's not saved",
    "we should send a thank-you email after signup",
    "is the ThanksController deprecated?",
    "the thanks plugin crashes on start",
    "Thanksgiving release is delayed, heads up",
    "There's a thankyou.html template that 404s",
    "Our thank you screen shows the wrong course name",
    "the 'thanks for your order' mail goes to spam for some users",
    "the survey's thank-you step never loads",
    "anyone know who wrote the thanks banner? it overlaps the menu",
    "I renamed thanks.py and now imports fail",
]
QUOTED = [
    "> thanks for nothing\nwho wrote this error message?",
    "the bot replies `thanks!` to everything, how do I turn that off?",
    "```echo thanks```\nwhy does this print twice?",
    "The template says `Thank you for your order` but the email is empty",
    "> thank you for contacting support\nthis auto-reply is sent twice",
    'our i18n file has `"thanks": "Merci"` but the page shows the key',
    "```\nmsg = 'thank you'\n```\nthis string isn't translated",
    "> Thanks, your request was received\nthat's all the form says, no ticket number",
    "the log line `thanks: 0 processed` looks wrong",
    "`THANKS_ENABLED=true` has no effect for me",
]
SARCASM = [
    "oh great, thanks for breaking prod",
    "thanks for nothing",
    "wow thanks, super helpful 🙄",
    "yeah thanks, very useful /s",
    "thanks captain obvious",
    "gee, thanks",
    "thanks a lot for the 3am page 🙄",
    "thanks for the non-answer",
    "sure, thanks, I'll just rewrite everything 🙄",
    "thanks Obama",
]
SELF_SOLVED = [
    "never mind, figured it out myself, thanks",
    "nvm found it, was a typo on my side. thanks anyway",
    "solved it myself — the env var was wrong. thanks all",
    "ok got it working on my own, thanks",
    "Found the problem: I had an old config file. Thanks everyone",
    "ignore me, wrong branch. thanks",
    "figured it out, my bad. thanks",
    "never mind, restarting my laptop fixed it lol. thanks",
    "nvm, I had a typo in the path. ty",
    "solved: I forgot to activate the venv. thanks",
    "disregard, it was my proxy. thanks",
    "got it myself in the end, thanks",
]
CHANNEL = [
    "thanks everyone!",
    "thanks all for the help",
    "thank you all, this community is great",
    "thanks team 🙏",
    "thanks folks",
    "thank you everybody!",
    "thanks y'all",
    "thanks all, closing this",
    "thanks everyone for chiming in",
    "thank you all 🙌",
]
BOT_THANKS = [
    "thanks {b}!",
    "thanks bot",
    "ty {b}",
    "thank you {b}, that helped",
    "thanks!",
    "cool, thanks",
    "thanks {b} 🙏",
    "thx",
    "thanks, worked",
    "Thank you!",
]
FAIL = [
    "thanks, but I still get the same error",
    "tried that, no luck. thanks though",
    "didn't work unfortunately",
    "thanks for trying",
    "Thanks. Sadly still broken",
    "thanks but that didn't fix it",
    "same error after the restart, thanks anyway",
    "nope, still failing. thanks",
    "thanks, it hasn't helped",
    "thank you, but it's still not working",
]
EXTERNAL = [
    "thanks {x} for the blog post that explained this",
    "big thanks to {x}, whose talk covered exactly this",
    "thanks {x}! your gist had the answer",
    "credit to {x} for the original script, thanks",
    "found it in {x}'s tutorial, thanks {x}",
    "thanks {x} for writing the migration guide",
    "shoutout to {x}, their answer on the forum fixed it",
    "thank you {x}, your docs PR covered this",
    "thanks {x}, saw your post on the mailing list",
    "{x} thanks for the wiki page, it worked",
]
REPORTED = [
    "Ana from our team says thanks!",
    "my colleague asked me to pass on his thanks",
    "the customer sends their thanks",
    "passing on thanks from the support team",
    "our students say thank you btw",
    "my boss says thanks for the quick fix",
    "the client asked me to say thank you",
    "Forwarding thanks from the QA folks",
    "they said thanks on the call",
    "the ops team says thx",
]
OWN_REPLY = [
    "thanks for the details! try setting `DEBUG=1` and paste the output",
    "Thanks, that log helps. Can you run `app --version`?",
    "thanks! let me know if it works",
    "ah thanks for confirming. then it's the cache",
    "thanks for the screenshot, looks like a config issue",
    "thanks, I'll look into it tonight",
    "Thanks for the traceback. It's the old plugin.",
    "thanks! one more thing to check: is the worker running?",
    "thanks for testing that",
    "thanks, that narrows it down",
]
GREETING = [
    "Hi all, thanks for having me!",
    "good morning everyone, thanks",
    "hey folks! thanks for the welcome",
    "happy friday all, thanks for a great week",
    "hello everyone, thanks for the invite",
    "Hi all! Thanks for letting me join",
    "hey there everyone, thanks",
    "good evening all, thanks!",
    "bye all, thanks for today",
    "have a great weekend everyone, thanks",
]
NO_THANKS = [
    "which version are you on?",
    "same here",
    "+1",
    "I'll try that tomorrow",
    "looking into it",
    "ok",
    "can you share the logs?",
    "no thanks, I'll stick with the old version",
    "hmm, interesting",
    "did you restart the worker?",
    "I have the same problem on 3.1",
    "following",
    "it's working now? I don't see any change",
    "let me check",
    "any update on this?",
]
MAINTAINER = [
    "Thanks for reporting! Fixed in #1234, will be in the next release.",
    "thanks for the bug report {r}, confirmed and fixed on master",
    "thanks for catching this, PR is up",
    "Good catch, thanks {r}! Patched.",
    "thanks for reporting {r}, that was a real regression",
    "thanks for flagging! fixed the typo in the docs",
    "thanks for the detailed report, merged a fix",
    "thanks for spotting this {r}",
    "Thanks for raising this! We'll ship the fix today.",
    "thank you for the report, it's fixed in 2.4.1",
]
CONTRIB = [
    (
        "I opened a PR for the Spanish translation of the dashboard.",
        "thanks for the translation {r}!",
    ),
    ("PR #88: fixes the broken links in the install docs.", "thanks for the docs fix {r}, merged"),
    ("Left some comments on your PR, mostly naming.", "thanks for the review {r}!"),
    (
        "Reviewed #412, two small things, otherwise LGTM.",
        "thanks for reviewing! pushed the changes",
    ),
    (
        "I translated the onboarding emails to Turkish, they're in the PR.",
        "thank you for translating those!",
    ),
]
BYSTANDER = [
    "can confirm, {n}'s fix worked for me too, thanks!",
    "worked for me too, thanks {h}",
    "same issue here and that fixed it, thank you",
    "+1, this solved it for me as well 🙏",
    "just hit this too, the fix works. thanks!",
    "confirming this works on 3.2 too, thanks {h}",
    "thanks, had the same problem and this sorted it",
    "that fixed it for me as well, thx",
    "same here, worked. thanks {n}",
    "works for me too 🙌 thanks",
    "ran into the same thing today, this did it. thanks!",
    "thanks {h}, fixed my setup too",
    "this helped me too, thank you",
    "thanks! worked on my machine as well",
    "yep, that fixes it. ty {h}",
]
FILLER_LAST = ["+1", "same here", "same", "following", "+1 same problem"]


class Builder:
    """Composes labelled cases with increasing timestamps and a ``users`` map."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}
        self.clock = 1_780_000_000

    def people(self, n: int) -> list[str]:
        return self.rng.sample(sorted(PEOPLE), n)

    def add(
        self,
        kind: str,
        lang: str,
        thread: list[tuple[str, str]],
        message: tuple[str, str],
        helper: str | None,
        also: tuple[str, ...] = (),
        note: str = "",
    ) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.clock += 3600
        stamps = [f"{self.clock + 60 * i}.{100200 + i:06d}" for i in range(len(thread) + 1)]
        users: dict[str, dict[str, Any]] = {}
        texts = [text for _, text in thread] + [message[1]]
        ids = [u for u, _ in thread] + [message[0]]
        ids += [m for text in texts for m in re.findall(r"<@([UW][A-Z0-9]+)>", text)]
        for uid in ids:
            if uid in BOTS:
                users[uid] = {
                    "name": BOTS[uid],
                    "real_name": BOTS[uid],
                    "display_name": "",
                    "is_bot": True,
                }
            else:
                name, real, display = PEOPLE.get(uid) or OUTSIDERS[uid]
                users[uid] = {
                    "name": name,
                    "real_name": real,
                    "display_name": display,
                    "is_bot": False,
                }
        self.rows.append(
            {
                "id": f"dev-{kind}-{self.counts[kind]:03d}",
                "kind": kind,
                "lang": lang,
                "thread": [
                    {"user": u, "text": t, "ts": s}
                    for (u, t), s in zip(thread, stamps, strict=False)
                ],
                "message": {"user": message[0], "text": message[1], "ts": stamps[-1]},
                "helper": helper,
                "also": list(also),
                "users": users,
                "note": note,
            }
        )


def m(uid: str) -> str:
    return f"<@{uid}>"


def first_name(uid: str) -> str:
    return PEOPLE[uid][1].split()[0]


def _simple(b: Builder, kind: str, texts: list[str], positive: bool, note: str = "") -> None:
    """Question, answer, (sometimes a filler), then the asker's reply."""
    for i, text in enumerate(texts):
        asker, helper, other = b.people(3)
        q, a, _, cmd = EN_QA[i % len(EN_QA)]
        thread = [(asker, q), (helper, a)]
        if i % 4 == 3:
            thread.append((other, b.rng.choice(FILLER_LAST)))
        body = text.format(h=m(helper), o=m(other), c=cmd, b=m("U0BOT11"))
        b.add(kind, "en", thread, (asker, body), helper if positive else None, note=note)


def _languages(b: Builder) -> None:
    for lang, words in LANGS.items():
        for text in words["thanks"]:
            asker, helper, other = b.people(3)
            thread = [(asker, words["q"]), (helper, words["a"])]
            if "{h}" in text and b.rng.random() < 0.5:
                thread.append((other, words["non"][1]))
            b.add("other_language_thanks", lang, thread, (asker, text.format(h=m(helper))), helper)
        for key, kind in (
            ("advance", "thanks_in_advance"),
            ("fail", "not_resolved"),
            ("sarcasm", "sarcasm"),
        ):
            for text in words[key]:
                asker, helper = b.people(2)
                thread = (
                    [(asker, words["q"])]
                    if key == "advance"
                    else [(asker, words["q"]), (helper, words["a"])]
                )
                b.add(kind, lang, thread, (asker, text), None)
        for text in words["non"]:
            asker, helper = b.people(2)
            b.add(
                "other_language_non_thanks",
                lang,
                [(asker, words["q"]), (helper, words["a"])],
                (helper if "?" in text else asker, text),
                None,
            )


def _multi_party(b: Builder) -> None:
    """The helper is not the last speaker: named, quoted, repeated, referred to, or mentioned."""
    for i, (q, a, alt, cmd) in enumerate(EN_QA * 4):
        asker, helper, other, third = b.people(4)
        style = i % 10
        thread = [(asker, q), (helper, a), (other, alt)]
        also: tuple[str, ...] = ()
        if style == 0:
            text = f"thanks {first_name(helper)}, that was it"
        elif style == 1:
            text = f"@{PEOPLE[helper][0]} thanks, that worked!"
        elif style == 2:
            text = f"> {a}\nthis worked, thank you!"
        elif style == 3:
            text = f"`{cmd}` did it, thanks!"
        elif style == 4:
            text = f"thanks {PEOPLE[helper][2]}! all good now"
        elif style == 5:
            thread = [(asker, q), (helper, a), (other, alt), (third, "+1 same here")]
            text = "thanks, that worked!"
            thread = [(asker, q), (other, alt), (helper, a), (third, "+1 same here")]
        elif style == 6:
            thread = [(asker, q), (helper, a), (other, alt)]
            text = f"thanks {m(helper)} and {m(other)}!"
            also = (other,)
        elif style == 7:
            text = f"thanks {m(helper)}, the first suggestion fixed it"
        elif style == 8:
            thread = [(asker, q), (other, alt), (helper, a), ("U0BOT11", "Deploy #4412 finished.")]
            text = "that did the trick, thanks!"
        else:
            text = f"thank you {first_name(helper).lower()}!! works now"
        b.add("multi_party", "en", thread, (asker, text), helper, also=also)
        if i >= 29:
            break


def _bystanders(b: Builder) -> None:
    for i, text in enumerate(BYSTANDER):
        asker, helper, bystander = b.people(3)
        q, a, _, _ = EN_QA[i % len(EN_QA)]
        thread = [(asker, q), (helper, a)]
        if i % 2:
            thread.append((asker, "thanks, works!"))
        body = text.format(h=m(helper), n=first_name(helper))
        b.add("bystander_confirming", "en", thread, (bystander, body), helper)


def _maintainers(b: Builder) -> None:
    for text in MAINTAINER:
        reporter, maintainer = b.people(2)
        report = "Found a bug: the CSV export drops the last row past 100 learners."
        b.add(
            "maintainer_thanks_reporter",
            "en",
            [(reporter, report)],
            (maintainer, text.format(r=m(reporter))),
            reporter,
        )
    for parent, text in CONTRIB:
        author, other = b.people(2)
        thread = [(author, parent)]
        if "review" in text:
            thread = [(other, "Opened #412 for the cache fix, reviews welcome."), (author, parent)]
            b.add(
                "maintainer_thanks_reporter",
                "en",
                thread,
                (other, text.format(r=m(author))),
                author,
            )
        else:
            b.add(
                "maintainer_thanks_reporter",
                "en",
                thread,
                (other, text.format(r=m(author))),
                author,
            )


def _negatives(b: Builder) -> None:
    for i, text in enumerate(ADVANCE):
        asker, other = b.people(2)
        q = EN_QA[i % len(EN_QA)][0]
        b.add(
            "thanks_in_advance",
            "en",
            [(asker, q), (other, "Which version are you on?")],
            (asker, text),
            None,
        )
    for i, text in enumerate(EXTERNAL):
        asker, helper = b.people(2)
        q, a, _, _ = EN_QA[i % len(EN_QA)]
        outsider = sorted(OUTSIDERS)[i % 2]
        b.add(
            "external_thanks",
            "en",
            [(asker, q), (helper, "No idea, sorry.")],
            (asker, text.format(x=m(outsider))),
            None,
        )
    for i, text in enumerate(REPORTED):
        asker, helper = b.people(2)
        q, a, _, _ = EN_QA[i % len(EN_QA)]
        b.add(
            "reported_thanks",
            "en",
            [(asker, q), (helper, a), (asker, "thanks, fixed!")],
            (asker, text),
            None,
        )
    for i, text in enumerate(OWN_REPLY):
        asker, helper = b.people(2)
        q, a, _, _ = EN_QA[i % len(EN_QA)]
        b.add(
            "helpers_own_reply",
            "en",
            [(asker, q), (helper, a), (asker, "Here's the full log: it still says the same.")],
            (helper, text),
            None,
        )
    for text in GREETING:
        newcomer, other = b.people(2)
        b.add(
            "greeting",
            "en",
            [
                (newcomer, "Hi everyone, I'm new here, I run the LMS at a small college."),
                (other, "Welcome!"),
            ],
            (newcomer, text),
            None,
        )
    for i, text in enumerate(BOT_THANKS):
        asker = b.people(1)[0]
        q = EN_QA[i % len(EN_QA)][0]
        bot = "U0BOT11"
        b.add(
            "thanks_to_bot",
            "en",
            [
                (asker, q),
                (bot, "I found 2 articles that may help: <https://kb.example.org/a|Upgrading>."),
            ],
            (asker, text.format(b=m(bot))),
            None,
        )
    for i, text in enumerate(CHANNEL):
        asker, one, two = b.people(3)
        q, a, alt, _ = EN_QA[i % len(EN_QA)]
        b.add(
            "thanks_to_channel",
            "en",
            [(asker, q), (one, alt), (two, "Same question here, following.")],
            (asker, text),
            None,
        )
    for i, text in enumerate(SELF_SOLVED):
        asker, other = b.people(2)
        q, _, alt, _ = EN_QA[i % len(EN_QA)]
        b.add("self_resolved", "en", [(asker, q), (other, alt)], (asker, text), None)
    for i, text in enumerate(NO_THANKS):
        asker, helper = b.people(2)
        q, a, _, _ = EN_QA[i % len(EN_QA)]
        who = helper if text.endswith("?") and "update" not in text else asker
        b.add("no_thanks", "en", [(asker, q), (helper, a)], (who, text), None)


def en_cases(rng: random.Random) -> list[dict[str, Any]]:
    """Every composed case, positives and negatives, in a stable order."""
    b = Builder(rng)
    _simple(b, "plain_thanks", PLAIN, True)
    _simple(b, "thanks_with_mention", MENTION, True)
    _simple(b, "short_form", SHORT, True)
    _simple(b, "thanks_with_follow_up", FOLLOW_UP, True, "the thanks says the help worked")
    _simple(b, "thanks_with_code_or_link", CODE, True)
    _simple(b, "implicit_gratitude", IMPLICIT, True)
    _simple(
        b,
        "question_politeness",
        QUESTION,
        False,
        "thanks, then a new question: the help is not said to work",
    )
    _simple(b, "incidental_word", INCIDENTAL, False)
    _simple(b, "quoted_or_code_thanks", QUOTED, False)
    _simple(b, "sarcasm", SARCASM, False)
    _simple(b, "not_resolved", FAIL, False)
    _languages(b)
    _multi_party(b)
    _bystanders(b)
    _maintainers(b)
    _negatives(b)
    return b.rows
