using System.Text;

namespace MultiModal.Training.Data;

/// <summary>
/// A strict RFC 4180 record reader: fields separated by a delimiter, records by CRLF, LF or CR; a field may be quoted
/// with <c>"</c>, inside which delimiters and line breaks are literal and <c>""</c> is one quote. A quote inside an
/// unquoted field, text after a closing quote, or an unterminated quote is an error naming the line. Blank lines are skipped.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, string filePath, char delimiter)
{
    private readonly StringBuilder field = new();
    private int line = 1;

    /// <summary>1-based line on which the last record returned by <see cref="Read"/> starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>The next record's fields, or null at the end of the file.</summary>
    /// <exception cref="DatasetFormatException">The quoting is malformed.</exception>
    public List<string>? Read()
    {
        while (true)
        {
            int c = reader.Peek();
            if (c < 0)
            {
                return null;
            }
            if (c is '\r' or '\n')
            {
                ConsumeLineBreak();
                continue; // blank line
            }
            break;
        }
        RecordLine = line;
        var fields = new List<string>();
        while (true)
        {
            bool endOfRecord = ReadField();
            fields.Add(field.ToString());
            if (endOfRecord)
            {
                return fields;
            }
        }
    }

    /// <summary>Reads one field into <see cref="field"/>; true when it ended the record.</summary>
    private bool ReadField()
    {
        field.Clear();
        if (reader.Peek() == '"')
        {
            reader.Read();
            int quoteLine = line;
            while (true)
            {
                int c = reader.Read();
                if (c < 0)
                {
                    throw new DatasetFormatException(filePath, "unterminated quoted field (the closing quote is missing)", quoteLine);
                }
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                        continue;
                    }
                    break;
                }
                if (c == '\n' || (c == '\r' && reader.Peek() != '\n'))
                {
                    line++;
                }
                field.Append((char)c);
            }
            int next = reader.Peek();
            if (next < 0)
            {
                return true;
            }
            if (next == delimiter)
            {
                reader.Read();
                return false;
            }
            if (next is '\r' or '\n')
            {
                ConsumeLineBreak();
                return true;
            }
            throw new DatasetFormatException(filePath, $"unexpected character '{(char)next}' after a closing quote (a quote inside a quoted field must be doubled)", line);
        }
        while (true)
        {
            int c = reader.Peek();
            if (c < 0)
            {
                return true;
            }
            if (c == delimiter)
            {
                reader.Read();
                return false;
            }
            if (c is '\r' or '\n')
            {
                ConsumeLineBreak();
                return true;
            }
            if (c == '"')
            {
                throw new DatasetFormatException(filePath, "quote inside an unquoted field (quote the whole field and double the quote)", line);
            }
            field.Append((char)reader.Read());
        }
    }

    private void ConsumeLineBreak()
    {
        if (reader.Read() == '\r' && reader.Peek() == '\n')
        {
            reader.Read();
        }
        line++;
    }
}
